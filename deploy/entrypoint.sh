#!/bin/sh
# The web container's start: collect static files for nginx, migrate and load the course with
# `manage.py prepare` (which takes a lock, so web containers starting together take turns;
# RUN_MIGRATIONS=0 skips it where a separate job migrates, see README, Operations), then hand the
# process over to gunicorn so it receives the container's signals.
set -eu
case "${1:-}" in
    -h|--help)
        echo "usage: deploy/entrypoint.sh"
        echo
        echo "Start a NetLearn web container: collectstatic, then manage.py prepare (migrate and"
        echo "load the course, under a lock; RUN_MIGRATIONS=0 skips it), then exec gunicorn with"
        echo "deploy/gunicorn.conf.py. Settings come from the environment (DATABASE_URL, ...)."
        exit 0 ;;
esac
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
"$PYTHON" manage.py collectstatic --noinput -v0
if [ "${RUN_MIGRATIONS:-1}" != "0" ]; then
    "$PYTHON" manage.py prepare
fi
exec "$PYTHON" -m gunicorn netlearn.wsgi:application --config deploy/gunicorn.conf.py
