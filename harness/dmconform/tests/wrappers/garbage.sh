# Answers OPEN with bytes that are not a frame.
. "$(dirname "$0")/common.sh"
hello
skip_frame
printf 'PK\003\004 not a frame\n'
sleep 1000
