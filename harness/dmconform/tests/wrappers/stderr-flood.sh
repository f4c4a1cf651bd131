# Writes to standard error without end and never answers OPEN.
. "$(dirname "$0")/common.sh"
hello
skip_frame
yes "wrapper: still thinking" >&2
