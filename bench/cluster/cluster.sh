#!/usr/bin/env bash
# A highly available PostgreSQL cluster of real engines from Debian's packages, on loopback:
# one etcd, two PostgreSQL nodes managed by Patroni (a primary and a synchronous streaming
# replica), HAProxy routing to whichever node Patroni says is the primary (writes, port 5000) or a
# replica (reads, port 5001), and PgBouncer in front (port 6432: database `tiemchung` for writes,
# `tiemchung_ro` for reads).
#
#   npm run cluster:up       start it (apt-get install patroni etcd-server pgbouncer haproxy first)
#   npm run cluster:status   who is primary, who replicates, and the URLs
#   npm run cluster:down     stop everything and remove the cluster's directory
#
# The app then takes DATABASE_URL=postgres://postgres@127.0.0.1:6432/tiemchung and
# DATABASE_READ_URL=postgres://postgres@127.0.0.1:6432/tiemchung_ro. Trust authentication on
# loopback only: this is a test and benchmark set-up, not a production configuration (docs/scaling.md).
# PostgreSQL refuses to run as root, so when started by root every engine runs as `postgres`.
set -euo pipefail

DIR=${CLUSTER_DIR:-/tmp/tiemchung-cluster}
PGVERSION=${PGVERSION:-$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)}
PGBIN=/usr/lib/postgresql/$PGVERSION/bin
ETCD_PORT=${ETCD_PORT:-2379}
PG_PORTS=(5441 5442)
API_PORTS=(8011 8012)
WRITE_PORT=${CLUSTER_WRITE_PORT:-5000}
READ_PORT=${CLUSTER_READ_PORT:-5001}
BOUNCER_PORT=${CLUSTER_BOUNCER_PORT:-6432}
MARK=.tiemchung-cluster

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

need() {
  for c in patroni etcd haproxy pgbouncer; do
    command -v "$c" >/dev/null || { echo "missing $c: apt-get install patroni etcd-server pgbouncer haproxy" >&2; exit 1; }
  done
  [ -x "$PGBIN/postgres" ] || { echo "no PostgreSQL server in $PGBIN" >&2; exit 1; }
}

wait_for() { # what, seconds, command…
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for $what (logs in $DIR)" >&2
  return 1
}

node_yml() { # index
  local i=$1 name="pg$1" pgport=${PG_PORTS[$1]} apiport=${API_PORTS[$1]}
  cat <<YML
scope: tiemchung
name: $name
restapi:
  listen: 127.0.0.1:$apiport
  connect_address: 127.0.0.1:$apiport
etcd3:
  host: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    # A dead primary's leader key expires after ttl seconds; loop_wait + 2 × retry_timeout ≤ ttl.
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # Commits wait for the replica (synchronous_standby_names set by Patroni); only a synchronous
    # replica is promoted, so no acknowledged commit is lost. Not strict: alone, a primary still
    # accepts writes (else losing one node would stop the platform).
    synchronous_mode: true
    synchronous_mode_strict: false
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        max_connections: 300
        shared_buffers: 256MB
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
  initdb:
  - encoding: UTF8
  - locale: C.UTF-8
  - data-checksums
  pg_hba:
  - local all all trust
  - host replication replicator 127.0.0.1/32 trust
  - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$pgport
  connect_address: 127.0.0.1:$pgport
  data_dir: $DIR/$name/data
  bin_dir: $PGBIN
  pgpass: $DIR/$name/pgpass
  authentication:
    replication:
      username: replicator
      password: replicator
    superuser:
      username: postgres
      password: postgres
  parameters:
    unix_socket_directories: $DIR/$name
YML
}

haproxy_cfg() {
  cat <<CFG
global
  maxconn 2000
  pidfile $DIR/haproxy.pid
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
# Patroni's REST API answers 200 on /primary on the primary only and on /replica on a running replica.
listen primary
  bind 127.0.0.1:$WRITE_PORT
  option httpchk OPTIONS /primary
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
  server pg0 127.0.0.1:${PG_PORTS[0]} check port ${API_PORTS[0]}
  server pg1 127.0.0.1:${PG_PORTS[1]} check port ${API_PORTS[1]}
listen replica
  bind 127.0.0.1:$READ_PORT
  balance roundrobin
  option httpchk OPTIONS /replica
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
  server pg0 127.0.0.1:${PG_PORTS[0]} check port ${API_PORTS[0]}
  server pg1 127.0.0.1:${PG_PORTS[1]} check port ${API_PORTS[1]}
CFG
}

bouncer_ini() {
  cat <<INI
[databases]
tiemchung = host=127.0.0.1 port=$WRITE_PORT dbname=postgres user=postgres
tiemchung_ro = host=127.0.0.1 port=$READ_PORT dbname=postgres user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir = $DIR
auth_type = trust
auth_file = $DIR/userlist.txt
; Session pooling: the app prepares its hot statements once per connection.
pool_mode = session
max_client_conn = 1000
default_pool_size = 120
server_connect_timeout = 2
server_login_retry = 1
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
INI
}

up() {
  need
  if [ -e "$DIR/$MARK" ]; then echo "a cluster is already in $DIR (npm run cluster:down first)" >&2; exit 1; fi
  mkdir -p "$DIR"
  touch "$DIR/$MARK"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  as_pg mkdir -p "$DIR/etcd" "$DIR/pg0" "$DIR/pg1"
  as_pg chmod 700 "$DIR/pg0" "$DIR/pg1"

  echo "etcd on 127.0.0.1:$ETCD_PORT"
  as_pg bash -c "nohup etcd --name e0 --data-dir '$DIR/etcd/data' \
    --listen-client-urls http://127.0.0.1:$ETCD_PORT --advertise-client-urls http://127.0.0.1:$ETCD_PORT \
    --listen-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) --initial-advertise-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
    --initial-cluster e0=http://127.0.0.1:$((ETCD_PORT + 1)) > '$DIR/etcd.log' 2>&1 & echo \$! > '$DIR/etcd.pid'"
  wait_for etcd 30 etcdctl --endpoints=127.0.0.1:$ETCD_PORT endpoint health

  for i in 0 1; do
    node_yml "$i" | as_pg tee "$DIR/pg$i.yml" >/dev/null
    echo "Patroni pg$i: PostgreSQL on 127.0.0.1:${PG_PORTS[$i]}, REST on 127.0.0.1:${API_PORTS[$i]}"
    as_pg bash -c "nohup patroni '$DIR/pg$i.yml' > '$DIR/pg$i.log' 2>&1 & echo \$! > '$DIR/pg$i.patroni.pid'"
    # The first node bootstraps the cluster before the second joins it.
    if [ "$i" = 0 ]; then wait_for "pg0 as primary" 90 curl -sf "http://127.0.0.1:${API_PORTS[0]}/primary"; fi
  done
  wait_for "pg1 as a synchronous replica" 120 bash -c \
    "curl -sf http://127.0.0.1:${API_PORTS[1]}/replica && curl -sf http://127.0.0.1:${API_PORTS[0]}/cluster | grep -q sync_standby"

  haproxy_cfg | as_pg tee "$DIR/haproxy.cfg" >/dev/null
  as_pg haproxy -f "$DIR/haproxy.cfg" -D
  echo "HAProxy: writes 127.0.0.1:$WRITE_PORT, reads 127.0.0.1:$READ_PORT"
  echo '"postgres" ""' | as_pg tee "$DIR/userlist.txt" >/dev/null
  bouncer_ini | as_pg tee "$DIR/pgbouncer.ini" >/dev/null
  as_pg pgbouncer -d "$DIR/pgbouncer.ini"
  wait_for "PgBouncer" 30 "$PGBIN/psql" -h 127.0.0.1 -p "$BOUNCER_PORT" -U postgres -d tiemchung -Atc 'select 1'
  wait_for "reads through PgBouncer" 30 "$PGBIN/psql" -h 127.0.0.1 -p "$BOUNCER_PORT" -U postgres -d tiemchung_ro -Atc 'select pg_is_in_recovery()'
  status
}

status() {
  curl -s "http://127.0.0.1:${API_PORTS[0]}/cluster" 2>/dev/null || curl -s "http://127.0.0.1:${API_PORTS[1]}/cluster" || true
  echo
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$BOUNCER_PORT/tiemchung"
  echo "DATABASE_READ_URL=postgres://postgres@127.0.0.1:$BOUNCER_PORT/tiemchung_ro"
}

stop_pidfile() { # file [signal]
  local f=$1 sig=${2:-TERM}
  if [ -f "$f" ]; then
    local pid
    pid=$(cat "$f")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "-$sig" "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
}

down() {
  if [ ! -e "$DIR/$MARK" ]; then echo "no cluster in $DIR"; return 0; fi
  stop_pidfile "$DIR/pgbouncer.pid"
  stop_pidfile "$DIR/haproxy.pid"
  for i in 0 1; do stop_pidfile "$DIR/pg$i.patroni.pid"; done
  # PostgreSQL left by a Patroni that was killed (the failover benchmark kills one).
  for i in 0 1; do
    if [ -f "$DIR/pg$i/data/postmaster.pid" ]; then
      pid=$(head -1 "$DIR/pg$i/data/postmaster.pid")
      kill -QUIT "$pid" 2>/dev/null || true
    fi
  done
  stop_pidfile "$DIR/etcd.pid"
  rm -rf "$DIR"
  echo "cluster stopped, $DIR removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
