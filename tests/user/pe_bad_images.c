/*
 * tests/user/pe_bad_images.c - broken executables fail to start, with the
 * Windows status, and leave nothing behind.  tools/mkbadpe.c makes each
 * child_bad_*.exe from child_pebase.exe at build time (one defect each):
 * an import of a DLL nobody has (STATUS_DLL_NOT_FOUND), of a function
 * msvcrt.dll lacks (STATUS_ENTRYPOINT_NOT_FOUND), and malformed files
 * (STATUS_INVALID_IMAGE_FORMAT): truncated headers, a section table past the
 * file or absurdly long, overlapping and misaligned sections, raw data past
 * the file, absurd section and image sizes, imports and relocations pointing
 * outside the image, a foreign machine, a bad signature or e_lfanew, a bad
 * section alignment or image base.  Every start is refused; the free-frame
 * count is the same after each; the good image still runs afterwards.
 */
#include "utest.h"

static const struct {
	const char *module;
	DWORD status;
} cases[] = {
	{ "child_bad_nodll.exe", STATUS_DLL_NOT_FOUND },
	{ "child_bad_nofunc.exe", STATUS_ENTRYPOINT_NOT_FOUND },
	{ "child_bad_trunc_headers.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_sectab_past_file.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_nsections.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_overlap.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_misaligned.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_rawdata.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_vsize.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_image_size.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_import_dir.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_import_name.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_import_thunk.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_reloc_dir.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_reloc_block.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_reloc_size.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_machine.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_signature.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_lfanew.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_alignment.exe", STATUS_INVALID_IMAGE_FORMAT },
	{ "child_bad_image_base.exe", STATUS_INVALID_IMAGE_FORMAT },
};

/* Starts the good image and checks it ran to its exit code 42. */
static void good_run(void)
{
	ULONG pid = 0;
	DWORD code = 0;
	CHECK_STATUS(mm_spawn("child_pebase.exe", &pid), STATUS_SUCCESS);
	CHECK(pid != 0);
	CHECK_STATUS(mm_wait(pid, &code), STATUS_SUCCESS);
	CHECK_EQ(code, 42);
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	good_run();	/* the image mkbadpe starts from is good; warms up the kernel's tables */
	unsigned long long before = utest_free_frames();
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ULONG pid = 0;
		NTSTATUS st = mm_spawn(cases[i].module, &pid);
		if ((DWORD)st != cases[i].status)
			printf("  %s: status %#lx, expected %#lx\n", cases[i].module, (unsigned long)(DWORD)st,
			       (unsigned long)cases[i].status);
		CHECK_EQ((DWORD)st, cases[i].status);
		unsigned long long now = utest_free_frames();
		if (now != before)
			printf("  %s: %lld frames not given back\n", cases[i].module, (long long)(before - now));
		CHECK_EQ(now, before);
	}
	/* A module that does not exist at all is not an image either. */
	ULONG pid = 0;
	CHECK(mm_spawn("child_bad_no_such_file.exe", &pid) != STATUS_SUCCESS);
	CHECK_EQ(utest_free_frames(), before);
	/* Nothing was harmed: the good image still starts, and every frame is back after it. */
	good_run();
	CHECK_EQ(utest_free_frames(), before);
	printf("pe_bad_images: %u broken images refused\n", (unsigned)(sizeof cases / sizeof cases[0]));
	return utest_done("pe_bad_images");
}
