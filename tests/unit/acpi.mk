UNIT_TESTS += acpi
acpi_SRCS := hv/drivers/acpi/tables.c hv/drivers/acpi/aml_s5.c tests/unit/test_acpi.c
acpi_CFLAGS := -DACPI_DATA_DIR='"$(CURDIR)/tests/unit/data/acpi"'
acpi_LIBS :=
