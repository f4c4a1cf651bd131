# Answers every frame with package 1 but never reads its standard input after
# HELLO, so the harness's frames pile up in front of it.
. "$(dirname "$0")/common.sh"
hello
while :; do
  package1
done
