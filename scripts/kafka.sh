#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft) from the jars on Maven Central.
#   scripts/kafka.sh start   fetch jars once, format storage once, start (or reuse) the broker, wait until it answers
#   scripts/kafka.sh stop    stop the broker this script started
#   scripts/kafka.sh status  exit 0 when a broker answers on the port
#   scripts/kafka.sh fetch   only fetch the jars and print their folder (for the brokers the tests start themselves:
#                            the three-node cluster of `npm run test:cluster`, the SASL_SSL broker of the managed-connections spec)
# Data lives under .kafka/ (git-ignored). KAFKA_PORT (9092) and KAFKA_CONTROLLER_PORT (9093) move it;
# a third listener on KAFKA_PORT+2 (advertised as KAFKA_PORT+3) serves the tests' fault proxy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
home="${KAFKA_HOME_DIR:-$root/.kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
libs="$home/libs"
data="$home/data-$port"
pidfile="$data/broker.pid"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

fetch_jars() {
  if [ -f "$libs/.complete" ]; then return; fi
  echo "kafka: fetching broker jars with Maven (first run only)"
  mkdir -p "$libs"
  mvn -B -q -f "$root/infra/kafka/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime
  touch "$libs/.complete"
}

configure() {
  mkdir -p "$data/log" "$data/logs"
  sed -e "s#@DATA_DIR@#$data#g" -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" \
    -e "s#@FAULT_PORT@#$((port + 2))#g" -e "s#@FAULT_PROXY_PORT@#$((port + 3))#g" \
    "$root/infra/kafka/server.properties.template" > "$data/server.properties"
  if [ ! -f "$data/log/meta.properties" ]; then
    local id
    id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$libs/*" -Dlog4j2.configurationFile="$root/infra/kafka/log4j2.properties" -Dkafka.logs.dir="$data/logs" \
      kafka.tools.StorageTool format -t "$id" -c "$data/server.properties" --ignore-formatted >/dev/null
  fi
}

start() {
  if answers; then echo "kafka: broker already answering on 127.0.0.1:$port, reusing it"; return; fi
  command -v java >/dev/null || { echo "kafka: java (17+) is required" >&2; exit 1; }
  fetch_jars
  configure
  echo "kafka: starting broker on 127.0.0.1:$port (data in $data)"
  nohup java -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j2.configurationFile="$root/infra/kafka/log4j2.properties" -Dkafka.logs.dir="$data/logs" \
    -cp "$libs/*" kafka.Kafka "$data/server.properties" > "$data/logs/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if grep -q "Kafka Server started" "$data/logs/server.log" 2>/dev/null && answers; then
      echo "kafka: ready"; return
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "kafka: broker exited during start-up; see $data/logs" >&2; tail -n 20 "$data/logs/stdout.log" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "kafka: broker did not become ready within 60 s; see $data/logs" >&2; exit 1
}

stop() {
  [ -f "$pidfile" ] || { echo "kafka: no broker started by this script"; return; }
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"; echo "kafka: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  fetch) fetch_jars; echo "$libs" ;;
  *) echo "usage: $0 start|stop|status|fetch" >&2; exit 2 ;;
esac
