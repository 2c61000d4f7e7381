# Build the guest tests without the top-level Makefile (run.py uses this,
# so the runner works whether or not the top level includes build.mk):
#   make -f tests/guest/standalone.mk guest-tests
.DEFAULT_GOAL := guest-tests
BUILD := build
include mk/flags.mk
include tests/guest/build.mk
