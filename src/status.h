/* The status sub-command: asks every master's Exhibitor, over mutual TLS with the artifacts'
 * client identity, whether the ZooKeeper ensemble is whole again. */
#ifndef ETA_STATUS_H
#define ETA_STATUS_H

/* Runs `status [OPTIONS] [MASTER...]` (argv[0] is "status"); returns the exit code: 0 healthy,
 * 1 not healthy or a master not reached, 2 a usage or input error. */
int status_main(int argc, char **argv);

#endif
