# Exits before saying anything.
echo "wrapper: cannot load libvendordm.so" >&2
exit 3
