# Never answers OPEN; the sleep is a child the harness must kill too.
. "$(dirname "$0")/common.sh"
hello
skip_frame
sleep 1000 &
note_pids $!
wait
