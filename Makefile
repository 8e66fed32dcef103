# Shortcuts for ./run (which needs only bash, so it also works where make is not installed).
.PHONY: lab test benchmarks
lab:
	./run lab
test:
	./run test
benchmarks:
	./run benchmarks
