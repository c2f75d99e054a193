#include "asn.h"

#include <pthread.h>

extern const asn1_static_node jks_asn1_tab[];

static asn1_node definitions;
static int load_result = ASN1_SUCCESS;
static char load_error[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void
load_definitions(void)
{
    load_result = asn1_array2tree(jks_asn1_tab, &definitions, load_error);
}

asn1_node
asn_definitions(struct err *err)
{
    pthread_once(&load_once, load_definitions);
    if (load_result != ASN1_SUCCESS) {
        err_set(err, "load ASN.1 definitions: %s (%s)", asn1_strerror(load_result), load_error);
        return NULL;
    }
    return definitions;
}
