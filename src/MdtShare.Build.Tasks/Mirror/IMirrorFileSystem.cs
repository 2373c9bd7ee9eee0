namespace MdtShare.Build.Mirror;

internal enum EntryKind
{
    File,
    Directory,

    /// <summary>A symbolic link or junction: never followed, removed as a link.</summary>
    Link,
}

/// <param name="ChangeStamp">When the file last changed in any way (Linux ctime, Windows ChangeTime), as an opaque
/// number; 0 where unknown. Unlike the last-write time, no tool can put it back.</param>
/// <param name="FileId">The file's inode number or Windows file id; 0 where unknown. A file replaced by another
/// (a restore, a copy over it) gets a new one.</param>
internal sealed record FileSystemEntry(string Name, EntryKind Kind, long Length, DateTime LastWriteTimeUtc, bool ReadOnly, long ChangeStamp = 0, long FileId = 0);

/// <summary>
/// The few file operations the mirror performs. The real implementation is <see cref="PhysicalFileSystem"/>; the
/// seam exists only so tests can inject faults the real world cannot produce on demand (a failover, a full disk).
/// </summary>
internal interface IMirrorFileSystem
{
    /// <summary>The entries of one folder, not recursive, links reported as links.</summary>
    IReadOnlyList<FileSystemEntry> Enumerate(string directory);

    bool DirectoryExists(string path);

    /// <summary>The free space a folder's volume offers this user, or null when it cannot be told.</summary>
    long? AvailableFreeSpace(string path);

    FileSystemEntry? GetEntry(string path);

    Stream OpenRead(string path);

    /// <summary>Creates or truncates a file for reading and writing (write-only opens fail on some SMB clients).</summary>
    Stream Create(string path);

    /// <summary>Creates a file that must not exist yet; throws <see cref="IOException"/> when it does. Others may read
    /// it while it is written (and find it incomplete).</summary>
    Stream CreateNew(string path);

    void SetLastWriteTimeUtc(string path, DateTime time);

    /// <summary>Sets or clears the read-only attribute (on POSIX: the write permission bits, as .NET maps them).</summary>
    void SetReadOnly(string path, bool readOnly);

    /// <summary>Renames <paramref name="source"/> over <paramref name="destination"/>, replacing it atomically.</summary>
    void Replace(string source, string destination);

    /// <summary>Renames a file or folder to another spelling of its name (a case-only rename), which a
    /// case-insensitive target takes as renaming an entry onto itself.</summary>
    void Rename(string from, string to);

    /// <summary>Gives an existing file a second name (a hard link) that must not exist yet.</summary>
    void CreateHardLink(string existing, string link);

    void DeleteFile(string path);

    /// <summary>Deletes an empty folder, or a link to a folder without touching what it points to.</summary>
    void DeleteDirectory(string path);

    void CreateDirectory(string path);
}
