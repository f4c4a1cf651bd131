# Announces a 200 MB message it never sends.
. "$(dirname "$0")/common.sh"
hello
skip_frame
printf 'MSG application/vnd.syncml.dm+xml 209715200\n'
sleep 1000
