/*
 * libc/kernel32/message_table.c - where FormatMessage finds a message
 * definition: the system's messages (the English texts of the Win32 errors
 * this system produces, as Windows words them, each ending in CR LF as in
 * Windows' message table) and RT_MESSAGETABLE resources of a loaded module
 * (the resource directory walked by hand: type 11, name 1, the language).
 */
#include "k32_private.h"
#include "message.h"

struct sys_message {
	DWORD id;
	const char *text;
};

/* Sorted by id (looked up by binary search). */
static const struct sys_message sys_messages[] = {
	{ 0, "The operation completed successfully." },
	{ 1, "Incorrect function." },
	{ 2, "The system cannot find the file specified." },
	{ 3, "The system cannot find the path specified." },
	{ 4, "The system cannot open the file." },
	{ 5, "Access is denied." },
	{ 6, "The handle is invalid." },
	{ 8, "Not enough memory resources are available to process this command." },
	{ 12, "The access code is invalid." },
	{ 13, "The data is invalid." },
	{ 14, "Not enough memory resources are available to complete this operation." },
	{ 17, "The system cannot move the file to a different disk drive." },
	{ 18, "There are no more files." },
	{ 19, "The media is write protected." },
	{ 21, "The device is not ready." },
	{ 23, "Data error (cyclic redundancy check)." },
	{ 24, "The program issued a command but the command length is incorrect." },
	{ 31, "A device attached to the system is not functioning." },
	{ 32, "The process cannot access the file because it is being used by another process." },
	{ 33, "The process cannot access the file because another process has locked a portion of the file." },
	{ 38, "Reached the end of the file." },
	{ 39, "The disk is full." },
	{ 50, "The request is not supported." },
	{ 80, "The file exists." },
	{ 87, "The parameter is incorrect." },
	{ 111, "The file name is too long." },
	{ 112, "There is not enough space on the disk." },
	{ 122, "The data area passed to a system call is too small." },
	{ 123, "The filename, directory name, or volume label syntax is incorrect." },
	{ 126, "The specified module could not be found." },
	{ 127, "The specified procedure could not be found." },
	{ 131, "An attempt was made to move the file pointer before the beginning of the file." },
	{ 145, "The directory is not empty." },
	{ 156, "The recipient process has refused the signal." },
	{ 157, "The segment is already discarded and cannot be locked." },
	{ 158, "The segment is already unlocked." },
	{ 161, "The specified path is invalid." },
	{ 167, "Unable to lock a region of a file." },
	{ 182, "The operating system cannot run %1." },
	{ 183, "Cannot create a file when that file already exists." },
	{ 193, "%1 is not a valid Win32 application." },
	{ 203, "The system could not find the environment option that was entered." },
	{ 206, "The filename or extension is too long." },
	{ 223, "The file size exceeds the limit allowed and cannot be saved." },
	{ 234, "More data is available." },
	{ 258, "The wait operation timed out." },
	{ 259, "No more data is available." },
	{ 267, "The directory name is invalid." },
	{ 282, "The mounted file system does not support extended attributes." },
	{ 288, "Attempt to release mutex not owned by caller." },
	{ 298, "Too many posts were made to a semaphore." },
	{ 299, "Only part of a ReadProcessMemory or WriteProcessMemory request was completed." },
	{ 306, "A requested file lock operation cannot be processed due to an invalid byte range." },
	{ 317, "The system cannot find message text for message number 0x%1 in the message file for %2." },
	{ 487, "Attempt to access invalid address." },
	{ 534, "Arithmetic result exceeded 32 bits." },
	{ 997, "Overlapped I/O operation is in progress." },
	{ 998, "Invalid access to memory location." },
	{ 1001, "Recursion too deep; the stack overflowed." },
	{ 1004, "Invalid flags." },
	{ 1006, "The volume for a file has been externally altered so that the opened file is no longer valid." },
	{ 1113, "No mapping for the Unicode character exists in the target multi-byte code page." },
	{ 1114, "A dynamic link library (DLL) initialization routine failed." },
	{ 1117, "The request could not be performed because of an I/O device error." },
	{ 1132, "The base address or the file offset specified does not have the proper alignment." },
	{ 1224, "The requested operation cannot be performed on a file with a user-mapped section open." },
	{ 1235, "The request was aborted." },
	{ 1314, "A required privilege is not held by the client." },
	{ 1392, "The file or directory is corrupted and unreadable." },
	{ 1393, "The disk structure is corrupted and unreadable." },
	{ 1450, "Insufficient system resources exist to complete the requested service." },
	{ 1453, "Insufficient quota to complete the requested service." },
	{ 1455, "The paging file is too small for this operation to complete." },
	{ 1460, "This operation returned because the timeout period expired." },
	{ 1784, "The supplied user buffer is not valid for the requested operation." },
	{ 1812, "The specified image file did not contain a resource section." },
	{ 1813, "The specified resource type cannot be found in the image file." },
	{ 1814, "The specified resource name cannot be found in the image file." },
	{ 1815, "The specified resource language ID cannot be found in the image file." },
	{ 1816, "Not enough quota is available to process this command." },
	{ 15100, "The resource loader failed to find MUI file." },
};

/* True for the languages the system's messages are in: neutral, the user's and system's default, English. */
static BOOL system_language(DWORD lang)
{
	return lang == 0 || lang == MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT) ||
	       lang == MAKELANGID(LANG_NEUTRAL, SUBLANG_SYS_DEFAULT) || PRIMARYLANGID(lang) == LANG_ENGLISH;
}

/*
 * The system's message `id` in `lang` as a NUL-terminated UTF-16 string in
 * buf (size chars, ending in CR LF as Windows' table does).  Returns the
 * Win32 error: 0, ERROR_MR_MID_NOT_FOUND (no such message),
 * ERROR_MUI_FILE_NOT_FOUND (a language the system does not have).
 */
DWORD msg_find_system(DWORD id, DWORD lang, WCHAR *buf, size_t size)
{
	if (!system_language(lang))
		return ERROR_MUI_FILE_NOT_FOUND;
	size_t lo = 0, hi = sizeof(sys_messages) / sizeof(sys_messages[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sys_messages[mid].id == id) {
			const char *t = sys_messages[mid].text;
			size_t n = 0;
			while (t[n] && n + 3 < size) {
				buf[n] = (unsigned char)t[n];
				n++;
			}
			buf[n++] = '\r';
			buf[n++] = '\n';
			buf[n] = 0;
			return 0;
		}
		if (sys_messages[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ERROR_MR_MID_NOT_FOUND;
}

/* The entry of a resource directory with integer id `id` (any entry when id is ~0), NULL if none. */
static const IMAGE_RESOURCE_DIRECTORY_ENTRY *res_entry(const IMAGE_RESOURCE_DIRECTORY *dir, DWORD id)
{
	const IMAGE_RESOURCE_DIRECTORY_ENTRY *e = (const void *)(dir + 1);
	unsigned n = dir->NumberOfNamedEntries + dir->NumberOfIdEntries;
	for (unsigned i = 0; i < n; i++) {
		if (e[i].NameIsString)
			continue;
		if (id == ~0u || e[i].Id == id)
			return &e[i];
	}
	return NULL;
}

/*
 * Message `id` of the RT_MESSAGETABLE resource of module `mod` (mapped by
 * the loader), in language `lang` (0: the first the table has), into buf as
 * UTF-16 (ANSI entries converted from CP_ACP).  Returns 0, or
 * ERROR_RESOURCE_DATA_NOT_FOUND (no resource section),
 * ERROR_RESOURCE_TYPE_NOT_FOUND (no message table), ERROR_RESOURCE_LANG_NOT_FOUND,
 * ERROR_MR_MID_NOT_FOUND (no such message), ERROR_INVALID_HANDLE (not a module).
 */
DWORD msg_find_module(HMODULE mod, DWORD id, DWORD lang, WCHAR *buf, size_t size)
{
	PLDR_DATA_TABLE_ENTRY e = NULL;
	if (!mod || !NT_SUCCESS(LdrFindEntryForAddress(mod, &e)) || e->DllBase != mod)
		return ERROR_INVALID_HANDLE;
	const char *base = (const char *)mod;
	const IMAGE_DOS_HEADER *dos = (const void *)base;
	const IMAGE_NT_HEADERS64 *nt = (const void *)(base + dos->e_lfanew);
	const IMAGE_DATA_DIRECTORY *dd = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_RESOURCE];
	if (nt->OptionalHeader.NumberOfRvaAndSizes <= IMAGE_DIRECTORY_ENTRY_RESOURCE || !dd->VirtualAddress ||
	    !dd->Size)
		return ERROR_RESOURCE_DATA_NOT_FOUND;
	const char *root = base + dd->VirtualAddress;
	const IMAGE_RESOURCE_DIRECTORY_ENTRY *t = res_entry((const void *)root, 11);	/* RT_MESSAGETABLE */
	if (!t || !t->DataIsDirectory)
		return ERROR_RESOURCE_TYPE_NOT_FOUND;
	const IMAGE_RESOURCE_DIRECTORY_ENTRY *nm = res_entry((const void *)(root + t->OffsetToDirectory), 1);
	if (!nm || !nm->DataIsDirectory)
		return ERROR_RESOURCE_NAME_NOT_FOUND;
	const IMAGE_RESOURCE_DIRECTORY *ldir = (const void *)(root + nm->OffsetToDirectory);
	const IMAGE_RESOURCE_DIRECTORY_ENTRY *le = NULL;
	if (lang != 0)
		le = res_entry(ldir, lang);
	if (!le && (lang == 0 || PRIMARYLANGID(lang) == LANG_NEUTRAL))
		le = res_entry(ldir, ~0u);
	if (!le || le->DataIsDirectory)
		return ERROR_RESOURCE_LANG_NOT_FOUND;
	const IMAGE_RESOURCE_DATA_ENTRY *de = (const void *)(root + le->OffsetToData);
	const char *data = base + de->OffsetToData;
	const MESSAGE_RESOURCE_DATA *md = (const void *)data;
	for (DWORD b = 0; b < md->NumberOfBlocks; b++) {
		const MESSAGE_RESOURCE_BLOCK *blk = &md->Blocks[b];
		if (id < blk->LowId || id > blk->HighId)
			continue;
		const char *p = data + blk->OffsetToEntries;
		for (DWORD k = blk->LowId; k < id; k++)
			p += ((const MESSAGE_RESOURCE_ENTRY *)p)->Length;
		const MESSAGE_RESOURCE_ENTRY *me = (const void *)p;
		size_t textlen = me->Length > 4 ? me->Length - 4u : 0;
		size_t n = 0;
		if (me->Flags & 1) {	/* MESSAGE_RESOURCE_UNICODE */
			const WCHAR *w = (const WCHAR *)me->Text;
			while (n < textlen / 2 && w[n] && n + 1 < size) {
				buf[n] = w[n];
				n++;
			}
			buf[n] = 0;
		} else {
			int got = MultiByteToWideChar(CP_ACP, 0, (const char *)me->Text,
						      (int)strnlen((const char *)me->Text, textlen), buf,
						      (int)size - 1);
			buf[got > 0 ? got : 0] = 0;
		}
		return 0;
	}
	return ERROR_MR_MID_NOT_FOUND;
}
