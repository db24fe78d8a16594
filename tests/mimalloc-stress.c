/*
 * tests/mimalloc-stress.c - runs mimalloc's own test/test-stress.c (compiled
 * unchanged with -Dmain=mi_stress_main, tests/mimalloc.mk) with its default
 * thread count (32) and load (25%) but 5 of its 50 iterations: the whole run
 * is about 390 s of guest time in TCG (3.9 G instructions an iteration,
 * measured under -icount), past make test's budget for one boot
 * (docs/heap.md).  Its exit code is test-stress's: 0 when every block came
 * back intact (it aborts on corruption).
 */
int mi_stress_main(int argc, char **argv);

int main(void)
{
	char *argv[] = { "mi_test_stress.exe", "32", "25", "5", 0 };
	return mi_stress_main(4, argv);
}
