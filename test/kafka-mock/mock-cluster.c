/*
 * librdkafka's mock cluster as a child process for the kafkajs wire tests: no Kafka broker can be
 * installed on these machines, and the mock speaks the real protocol. Prints the bootstrap list as
 * the first stdout line, then answers one command per stdin line with "ok" or "err <reason>":
 *   topic <name> <partitions> <replication>     create a topic (the mock has no CreateTopics handler)
 *   down <broker> | up <broker>                   take a broker off the network and back
 *   errors <apikey> <err> [<err> ...]             the next requests of that API key fail with these codes
 *   leader <topic> <partition> <broker>           move a partition's leader
 *   rtt <broker> <ms>                             delay a broker's responses
 *   quit
 * Built by the test setup with: cc mock-cluster.c -lrdkafka
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 3;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* the mock needs a handle for its own bookkeeping; it never produces */
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) { fprintf(stderr, "rd_kafka_mock_cluster_new failed\n"); return 1; }
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    char *argv2[64];
    int n = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && n < 64; tok = strtok(NULL, " \t\r\n")) argv2[n++] = tok;
    if (n == 0) continue;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!strcmp(argv2[0], "quit")) break;
    else if (!strcmp(argv2[0], "topic") && n == 4) err = rd_kafka_mock_topic_create(mc, argv2[1], atoi(argv2[2]), atoi(argv2[3]));
    else if (!strcmp(argv2[0], "down") && n == 2) err = rd_kafka_mock_broker_set_down(mc, atoi(argv2[1]));
    else if (!strcmp(argv2[0], "up") && n == 2) err = rd_kafka_mock_broker_set_up(mc, atoi(argv2[1]));
    else if (!strcmp(argv2[0], "leader") && n == 4) err = rd_kafka_mock_partition_set_leader(mc, argv2[1], atoi(argv2[2]), atoi(argv2[3]));
    else if (!strcmp(argv2[0], "rtt") && n == 3) err = rd_kafka_mock_broker_set_rtt(mc, atoi(argv2[1]), atoi(argv2[2]));
    else if (!strcmp(argv2[0], "errors") && n >= 3) {
      rd_kafka_resp_err_t errs[60];
      int cnt = 0;
      for (int i = 2; i < n && cnt < 60; i++) errs[cnt++] = (rd_kafka_resp_err_t)atoi(argv2[i]);
      rd_kafka_mock_push_request_errors_array(mc, (int16_t)atoi(argv2[1]), (size_t)cnt, errs);
    } else {
      printf("err unknown command\n");
      fflush(stdout);
      continue;
    }
    if (err) printf("err %s\n", rd_kafka_err2str(err));
    else printf("ok\n");
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
