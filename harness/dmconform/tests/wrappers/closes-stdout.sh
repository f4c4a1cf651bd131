# Closes its standard output and keeps running.
. "$(dirname "$0")/common.sh"
hello
skip_frame
exec >&-
sleep 1000
