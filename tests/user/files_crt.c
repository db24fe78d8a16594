/*
 * tests/user/files_crt.c - the C runtime over files: fopen modes (r w a +,
 * b t), text mode CRLF on write and read, fread/fwrite/fgets/fputs/fgetc/
 * ungetc, fseek/ftell (_fseeki64/_ftelli64) and rewind, feof/ferror,
 * tmpfile, remove/rename, _open/_read/_write/_lseeki64/_close, _stat64,
 * _access, _mkdir/_rmdir/_chdir/_getcwd, _findfirst64, and errno values
 * (ENOENT, EEXIST, EACCES, EBADF, EINVAL, ENOTEMPTY).
 */
#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <string.h>
#include <sys/stat.h>

#include "utest.h"

#define T "C:\\fcrt"

/* The raw bytes of a file (binary read). */
static long raw(const char *name, char *buf, long max)
{
	FILE *f = fopen(name, "rb");
	if (!f)
		return -1;
	long n = (long)fread(buf, 1, (size_t)max, f);
	fclose(f);
	return n;
}

static void text_mode(void)
{
	FILE *f = fopen(T "\\t.txt", "w");
	CHECK(f != NULL);
	CHECK_EQ(fputs("one\ntwo\n", f), 0);
	CHECK_EQ(fprintf(f, "n=%d\n", 42), 5);
	CHECK_EQ(ftell(f), 16);	/* 3 lines, CRLF on disk */
	CHECK_EQ(fclose(f), 0);
	char buf[64];
	CHECK_EQ(raw(T "\\t.txt", buf, sizeof(buf)), 16);
	CHECK(memcmp(buf, "one\r\ntwo\r\nn=42\r\n", 16) == 0);
	f = fopen(T "\\t.txt", "r");
	CHECK(f != NULL);
	CHECK(fgets(buf, sizeof(buf), f) && strcmp(buf, "one\n") == 0);
	CHECK_EQ(ftell(f), 5);
	CHECK_EQ(fgetc(f), 't');
	CHECK_EQ(ungetc('T', f), 'T');
	CHECK(fgets(buf, sizeof(buf), f) && strcmp(buf, "Two\n") == 0);
	int v = 0;
	CHECK_EQ(fscanf(f, "n=%d", &v), 1);
	CHECK_EQ(v, 42);
	CHECK_EQ(fgetc(f), '\n');
	CHECK_EQ(fgetc(f), EOF);
	CHECK(feof(f));
	CHECK(!ferror(f));
	rewind(f);
	CHECK(!feof(f));
	CHECK_EQ(fgetc(f), 'o');
	fclose(f);
	/* a lone CR stays, Ctrl-Z ends a text file */
	f = fopen(T "\\t.txt", "wb");
	CHECK_EQ(fwrite("a\rb\r\nc\x1a" "hidden", 1, 13, f), 13);
	fclose(f);
	f = fopen(T "\\t.txt", "rt");
	CHECK_EQ(fread(buf, 1, sizeof(buf), f), 5);
	CHECK(memcmp(buf, "a\rb\nc", 5) == 0);
	fclose(f);
	f = fopen(T "\\t.txt", "rb");
	CHECK_EQ(fread(buf, 1, sizeof(buf), f), 13);
	fclose(f);
}

static void modes(void)
{
	char buf[64];
	FILE *f = fopen(T "\\m.bin", "wb");
	CHECK(f != NULL);
	CHECK_EQ(fwrite("0123456789", 1, 10, f), 10);
	/* reading a write-only stream fails */
	CHECK_EQ(fgetc(f), EOF);
	CHECK(ferror(f));
	clearerr(f);
	CHECK(!ferror(f));
	fclose(f);
	/* "a": writes at the end whatever the position */
	f = fopen(T "\\m.bin", "ab");
	CHECK_EQ(fseek(f, 0, SEEK_SET), 0);
	CHECK_EQ(fwrite("AB", 1, 2, f), 2);
	fclose(f);
	CHECK_EQ(raw(T "\\m.bin", buf, sizeof(buf)), 12);
	CHECK(memcmp(buf, "0123456789AB", 12) == 0);
	/* "r+": read and overwrite in place */
	f = fopen(T "\\m.bin", "r+b");
	CHECK(f != NULL);
	CHECK_EQ(fseek(f, 2, SEEK_SET), 0);
	CHECK_EQ(fgetc(f), '2');
	CHECK_EQ(fseek(f, 0, SEEK_CUR), 0);
	CHECK_EQ(fputc('X', f), 'X');
	CHECK_EQ(_fseeki64(f, -2, SEEK_END), 0);
	CHECK_EQ(_ftelli64(f), 10);
	CHECK_EQ(fread(buf, 1, 10, f), 2);
	CHECK(feof(f));
	fclose(f);
	CHECK_EQ(raw(T "\\m.bin", buf, sizeof(buf)), 12);
	CHECK(memcmp(buf, "012X456789AB", 12) == 0);
	/* "w+": truncates, reads back what it wrote */
	f = fopen(T "\\m.bin", "w+b");
	CHECK_EQ(fwrite("xyz", 1, 3, f), 3);
	rewind(f);
	CHECK_EQ(fread(buf, 1, 10, f), 3);
	CHECK(memcmp(buf, "xyz", 3) == 0);
	fclose(f);
	/* "a+": reads anywhere, writes at the end */
	f = fopen(T "\\m.bin", "a+b");
	CHECK_EQ(fgetc(f), 'x');
	CHECK_EQ(fseek(f, 0, SEEK_SET), 0);
	CHECK_EQ(fputs("!", f), 0);
	fclose(f);
	CHECK_EQ(raw(T "\\m.bin", buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "xyz!", 4) == 0);
	/* bad modes and missing files */
	errno = 0;
	CHECK(fopen(T "\\m.bin", "q") == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK(fopen(T "\\m.bin", "rr") == NULL);
	CHECK(fopen(T "\\none.txt", "r") == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK(fopen(T "\\nodir\\x.txt", "w") == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK(fopen(T, "r") == NULL);	/* a directory */
	CHECK_EQ(errno, EACCES);
	/* many streams at once: past the 20 _iob entries */
	FILE *many[40];
	int opened = 0;
	for (int i = 0; i < 40; i++) {
		many[i] = fopen(T "\\m.bin", "rb");
		opened += many[i] != NULL;
	}
	CHECK_EQ(opened, 40);
	CHECK_EQ(fgetc(many[39]), 'x');
	for (int i = 0; i < 40; i++)
		if (many[i])
			fclose(many[i]);
	/* big block I/O */
	static char big[100000], back[100000];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 251);
	f = fopen(T "\\big.bin", "wb");
	CHECK_EQ(fwrite(big, 1, sizeof(big), f), sizeof(big));
	fclose(f);
	f = fopen(T "\\big.bin", "rb");
	CHECK_EQ(fread(back, 1, sizeof(back), f), sizeof(back));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	fclose(f);
	CHECK_EQ(remove(T "\\big.bin"), 0);
	/* tmpfile: usable, gone after fclose */
	f = tmpfile();
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(fputs("temp", f), 0);
		rewind(f);
		CHECK(fgets(buf, sizeof(buf), f) && strcmp(buf, "temp") == 0);
		fclose(f);
	}
}

static void names(void)
{
	FILE *f = fopen(T "\\r1.txt", "w");
	fclose(f);
	CHECK_EQ(rename(T "\\r1.txt", T "\\r2.txt"), 0);
	CHECK_EQ(_access(T "\\r1.txt", 0), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(_access(T "\\r2.txt", 6), 0);
	f = fopen(T "\\r3.txt", "w");
	fclose(f);
	CHECK_EQ(rename(T "\\r2.txt", T "\\r3.txt"), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(rename(T "\\none", T "\\r4.txt"), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(remove(T "\\r2.txt"), 0);
	CHECK_EQ(_unlink(T "\\r3.txt"), 0);
	CHECK_EQ(remove(T "\\r3.txt"), -1);
	CHECK_EQ(errno, ENOENT);
	/* a read-only file */
	int fd = _open(T "\\ro.txt", _O_CREAT | _O_EXCL | _O_WRONLY, _S_IREAD);
	CHECK(fd >= 0);
	CHECK_EQ(_write(fd, "ro", 2), 2);
	CHECK_EQ(_close(fd), 0);
	CHECK_EQ(_access(T "\\ro.txt", 2), -1);
	CHECK_EQ(errno, EACCES);
	CHECK_EQ(_open(T "\\ro.txt", _O_WRONLY), -1);
	CHECK_EQ(errno, EACCES);
	CHECK_EQ(remove(T "\\ro.txt"), -1);
	CHECK_EQ(errno, EACCES);
	CHECK(SetFileAttributesA(T "\\ro.txt", FILE_ATTRIBUTE_NORMAL));
	CHECK_EQ(remove(T "\\ro.txt"), 0);
}

static void lowio(void)
{
	int fd = _open(T "\\l.bin", _O_CREAT | _O_EXCL | _O_RDWR | _O_BINARY, _S_IREAD | _S_IWRITE);
	CHECK(fd >= 3);
	CHECK_EQ(_open(T "\\l.bin", _O_CREAT | _O_EXCL | _O_RDWR, _S_IREAD | _S_IWRITE), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(_write(fd, "hello world", 11), 11);
	CHECK_EQ(_lseeki64(fd, 6, SEEK_SET), 6);
	char buf[16] = { 0 };
	CHECK_EQ(_read(fd, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "world", 5) == 0);
	CHECK_EQ(_read(fd, buf, sizeof(buf)), 0);
	CHECK_EQ(_lseek(fd, 0, SEEK_END), 11);
	CHECK_EQ(_lseek(fd, -20, SEEK_CUR), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(_lseek(fd, 0, 7), -1);
	CHECK_EQ(errno, EINVAL);
	struct _stat64 st;
	CHECK_EQ(_fstat64(fd, &st), 0);
	CHECK_EQ(st.st_size, 11);
	CHECK(st.st_mode & _S_IFREG);
	CHECK_EQ(_close(fd), 0);
	CHECK_EQ(_close(fd), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(_read(fd, buf, 1), -1);
	CHECK_EQ(errno, EBADF);
	fd = _open(T "\\l.bin", _O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(_write(fd, "x", 1), -1);
	CHECK_EQ(errno, EBADF);
	_close(fd);
	/* _O_TRUNC and _O_APPEND */
	fd = _open(T "\\l.bin", _O_WRONLY | _O_TRUNC | _O_BINARY);
	CHECK_EQ(_write(fd, "ab", 2), 2);
	_close(fd);
	fd = _open(T "\\l.bin", _O_WRONLY | _O_APPEND | _O_BINARY);
	_lseek(fd, 0, SEEK_SET);
	CHECK_EQ(_write(fd, "cd", 2), 2);
	_close(fd);
	CHECK_EQ(_stat64(T "\\l.bin", &st), 0);
	CHECK_EQ(st.st_size, 4);
	CHECK(st.st_mode & _S_IWRITE);
	CHECK(st.st_mtime > 1500000000);
	CHECK_EQ(_stat64(T, &st), 0);
	CHECK(st.st_mode & _S_IFDIR);
	CHECK_EQ(_stat64(T "\\none", &st), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(_stat64(T "\\*", &st), -1);
	CHECK_EQ(errno, ENOENT);
	/* _O_TEMPORARY: gone at close */
	fd = _open(T "\\tmp.bin", _O_CREAT | _O_RDWR | _O_TEMPORARY, _S_IREAD | _S_IWRITE);
	CHECK(fd >= 0);
	CHECK_EQ(_access(T "\\tmp.bin", 0), 0);
	_close(fd);
	CHECK_EQ(_access(T "\\tmp.bin", 0), -1);
	CHECK_EQ(remove(T "\\l.bin"), 0);
}

static void dirs(void)
{
	char cwd[MAX_PATH];
	CHECK(_getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "C:\\") == 0);
	CHECK_EQ(_mkdir(T "\\d"), 0);
	CHECK_EQ(_mkdir(T "\\d"), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(_chdir(T "\\d"), 0);
	CHECK(_getcwd(cwd, sizeof(cwd)) && strcmp(cwd, T "\\d") == 0);
	CHECK(_getcwd(cwd, 3) == NULL);
	CHECK_EQ(errno, ERANGE);
	FILE *f = fopen("inside.txt", "w");	/* relative to the new directory */
	CHECK(f != NULL);
	fclose(f);
	CHECK_EQ(_chdir(".."), 0);
	CHECK_EQ(_rmdir(T "\\d"), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	struct __finddata64_t fd;
	intptr_t h = _findfirst64(T "\\d\\*.txt", &fd);
	CHECK(h != -1);
	CHECK(strcmp(fd.name, "inside.txt") == 0);
	CHECK_EQ(fd.size, 0);
	CHECK_EQ(_findnext64(h, &fd), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(_findclose(h), 0);
	CHECK_EQ(_findfirst64(T "\\d\\*.none", &fd), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(remove(T "\\d\\inside.txt"), 0);
	CHECK_EQ(_rmdir(T "\\d"), 0);
	CHECK_EQ(_rmdir(T "\\d"), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(_chdir("C:\\"), 0);
}

int main(void)
{
	_rmdir(T);
	CHECK_EQ(_mkdir(T), 0);
	text_mode();
	modes();
	names();
	lowio();
	dirs();
	CHECK_EQ(remove(T "\\t.txt"), 0);
	CHECK_EQ(remove(T "\\m.bin"), 0);
	CHECK_EQ(_rmdir(T), 0);
	return utest_done("files_crt");
}
