#include "masterlist.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fileio.h"

#define MASTERLIST_KEY "master_list"
#define MASTERLIST_MAX 1000
#define MASTERLIST_MAX_DEPTH                                                                       \
    32 /* config.yaml nests a few levels; libyaml slows down quadratically */

static size_t
line_of(const yaml_node_t *node)
{
    return node->start_mark.line + 1;
}

/* The value of key in map; a key given twice is refused, as YAML requires keys to be unique and
 * readers disagree on which one wins. */
static int
find_key(const char *path, yaml_document_t *doc, yaml_node_t *map, const char *key,
         yaml_node_t **value, struct err *err)
{
    size_t first_line = 0;

    *value = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);

        if (k == NULL || k->type != YAML_SCALAR_NODE || strlen(key) != k->data.scalar.length ||
            memcmp(k->data.scalar.value, key, k->data.scalar.length) != 0)
            continue;
        if (*value != NULL)
            return err_usage(err, "%s:%zu: %s is given twice (first on line %zu)", path, line_of(k),
                             key, first_line);
        *value = yaml_document_get_node(doc, p->value);
        first_line = line_of(k);
    }
    return 0;
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

        if (item == NULL || item->type != YAML_SCALAR_NODE ||
            strlen((const char *)item->data.scalar.value) != item->data.scalar.length) {
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
    if (find_key(path, doc, root, MASTERLIST_KEY, &list, err) != 0)
        return -1;
    if (list == NULL)
        return err_usage(err, "%s: no master_list key", path);
    if (list->type != YAML_SEQUENCE_NODE)
        return err_usage(err, "%s:%zu: master_list is not a list", path, line_of(list));
    return copy_entries(path, doc, list, out, n, err);
}

/* A pass over the events that stops as soon as the nesting is too deep, before libyaml's document
 * loader would spend minutes on a hostile file. */
static int
check_depth(const char *path, const struct bytes *text, struct err *err)
{
    yaml_parser_t parser;
    yaml_event_t event;
    int depth = 0;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return err_set(err, "%s: YAML parser: out of memory", path);
    yaml_parser_set_input_string(&parser, text->data, text->len);
    for (;;) {
        if (!yaml_parser_parse(&parser, &event))
            break; /* the loader reports the syntax error, with its line */
        if (event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (event.type == YAML_SEQUENCE_END_EVENT || event.type == YAML_MAPPING_END_EVENT)
            depth--;
        if (depth > MASTERLIST_MAX_DEPTH)
            rc = err_usage(err, "%s:%zu: nested more than %d levels deep", path,
                           event.start_mark.line + 1, MASTERLIST_MAX_DEPTH);
        if (rc != 0 || event.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* config.yaml is one document: a second one would be ignored by us and refused by others. */
static int
check_single_document(const char *path, yaml_parser_t *parser, struct err *err)
{
    yaml_document_t next;
    int more;

    if (!yaml_parser_load(parser, &next))
        return err_usage(err, "%s:%zu: not YAML: %s", path, parser->problem_mark.line + 1,
                         parser->problem ? parser->problem : "parse error");
    more = yaml_document_get_root_node(&next) != NULL;
    yaml_document_delete(&next);
    if (more)
        return err_usage(err, "%s: holds more than one YAML document", path);
    return 0;
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
    if (check_depth(path, &text, err) != 0) {
        bytes_free(&text);
        return -1;
    }
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
        if (rc == 0 && check_single_document(path, &parser, err) != 0) {
            masterlist_free(*out, *n);
            *out = NULL;
            *n = 0;
            rc = -1;
        }
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
