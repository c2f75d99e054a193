#include "masterlist.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fileio.h"

#define MASTERLIST_KEY "master_list"
#define MASTERLIST_MAX 1000

static size_t
line_of(const yaml_node_t *node)
{
    return node->start_mark.line + 1;
}

static yaml_node_t *
find_key(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);

        if (k && k->type == YAML_SCALAR_NODE && strlen(key) == k->data.scalar.length &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

static int
copy_entries(const char *path, yaml_document_t *doc, yaml_node_t *seq, struct master_entry **out,
             size_t *n, struct err *err)
{
    size_t count = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);

    if (count == 0)
        return err_usage(err, "%s:%zu: master_list is empty", path, line_of(seq));
    if (count > MASTERLIST_MAX)
        return err_usage(err, "%s:%zu: master_list has %zu entries, more than %d", path,
                         line_of(seq), count, MASTERLIST_MAX);
    *out = calloc(count, sizeof(**out));
    if (*out == NULL)
        return err_set(err, "%s: out of memory", path);
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = yaml_document_get_node(doc, seq->data.sequence.items.start[i]);

        if (item == NULL || item->type != YAML_SCALAR_NODE) {
            masterlist_free(*out, i);
            *out = NULL;
            return err_usage(err, "%s:%zu: master_list entry %zu is not an address", path,
                             item ? line_of(item) : line_of(seq), i + 1);
        }
        (*out)[i].value = strndup((const char *)item->data.scalar.value, item->data.scalar.length);
        (*out)[i].line = line_of(item);
        if ((*out)[i].value == NULL) {
            masterlist_free(*out, i);
            *out = NULL;
            return err_set(err, "%s: out of memory", path);
        }
    }
    *n = count;
    return 0;
}

static int
read_document(const char *path, yaml_document_t *doc, struct master_entry **out, size_t *n,
              struct err *err)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    yaml_node_t *list;

    if (root == NULL)
        return err_usage(err, "%s: empty YAML document: no master_list", path);
    if (root->type != YAML_MAPPING_NODE)
        return err_usage(err, "%s:%zu: not a YAML mapping of settings: no master_list", path,
                         line_of(root));
    list = find_key(doc, root, MASTERLIST_KEY);
    if (list == NULL)
        return err_usage(err, "%s: no master_list key", path);
    if (list->type != YAML_SEQUENCE_NODE)
        return err_usage(err, "%s:%zu: master_list is not a list", path, line_of(list));
    return copy_entries(path, doc, list, out, n, err);
}

int
masterlist_read(const char *path, struct master_entry **out, size_t *n, struct err *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct bytes text;
    int rc;

    *out = NULL;
    *n = 0;
    if (file_read(path, FILEIO_MAX_INPUT, &text, err) != 0)
        return err_prefix(err, "--master-list");
    if (!yaml_parser_initialize(&parser)) {
        bytes_free(&text);
        return err_set(err, "%s: YAML parser: out of memory", path);
    }
    yaml_parser_set_input_string(&parser, text.data, text.len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = err_usage(err, "%s:%zu: not YAML: %s", path, parser.problem_mark.line + 1,
                       parser.problem ? parser.problem : "parse error");
    } else {
        rc = read_document(path, &doc, out, n, err);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    bytes_free(&text);
    return rc;
}

void
masterlist_free(struct master_entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(entries[i].value);
    free(entries);
}
