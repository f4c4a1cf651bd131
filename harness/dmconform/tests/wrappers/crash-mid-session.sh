# Sends package 1, then dies on the first server message.
. "$(dirname "$0")/common.sh"
hello
skip_frame
package1
skip_frame
echo "wrapper: segmentation fault in step 1" >&2
kill -SEGV $$
