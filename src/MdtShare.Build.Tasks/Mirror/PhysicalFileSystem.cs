using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MdtShare.Build.IO;

namespace MdtShare.Build.Mirror;

public sealed class PhysicalFileSystem : IMirrorFileSystem
{
    private const int NoBuffer = 1;

    public static PhysicalFileSystem Instance { get; } = new();

#if NET
    private static readonly EnumerationOptions ListEverything = new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    [MethodImpl(HotPath.Optimize)]
    public IReadOnlyList<FileSystemEntry> Enumerate(string directory) =>
        new System.IO.Enumeration.FileSystemEnumerable<FileSystemEntry>(directory, ToEntry, ListEverything).ToList();

    [MethodImpl(HotPath.Optimize)]
    private static FileSystemEntry ToEntry(ref System.IO.Enumeration.FileSystemEntry entry)
    {
        FileAttributes attributes = entry.Attributes;
        bool readOnly = (attributes & FileAttributes.ReadOnly) != 0;
        string name = entry.FileName.ToString();
        return (attributes & FileAttributes.ReparsePoint) != 0 ? new FileSystemEntry(name, EntryKind.Link, 0, DateTime.MinValue, readOnly)
            : entry.IsDirectory ? new FileSystemEntry(name, EntryKind.Directory, 0, entry.LastWriteTimeUtc.UtcDateTime, readOnly)
            : new FileSystemEntry(name, EntryKind.File, entry.Length, entry.LastWriteTimeUtc.UtcDateTime, readOnly);
    }
#else
    [MethodImpl(HotPath.Optimize)]
    public IReadOnlyList<FileSystemEntry> Enumerate(string directory) =>
        new DirectoryInfo(directory).EnumerateFileSystemInfos().Select(ToEntry).ToList();
#endif

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public long? AvailableFreeSpace(string path)
    {
        // DriveInfo takes no UNC path, and a cluster share is one: Windows asks the share itself.
        if (Path.DirectorySeparatorChar == '\\')
        {
            return GetDiskFreeSpaceEx(path, out ulong available, out _, out _) ? (long)Math.Min(available, long.MaxValue) : null;
        }

        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public FileSystemEntry? GetEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists)
        {
            return ToEntry(info);
        }

        var directory = new DirectoryInfo(path);
        return directory.Exists ? ToEntry(directory) : null;
    }

    public Stream OpenRead(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, NoBuffer, FileOptions.SequentialScan);

    public Stream Create(string path) =>
        new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, NoBuffer);

    public Stream CreateNew(string path) =>
        new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, NoBuffer);

    public void SetLastWriteTimeUtc(string path, DateTime time) => File.SetLastWriteTimeUtc(path, time);

    public void ClearReadOnly(string path)
    {
        FileAttributes attributes = File.GetAttributes(path);
        if ((attributes & FileAttributes.ReadOnly) != 0)
        {
            File.SetAttributes(path, attributes & ~FileAttributes.ReadOnly);
        }
    }

    public void Replace(string source, string destination) => AtomicFile.Replace(source, destination);

    public void Rename(string from, string to)
    {
#if NET
        // .NET refuses to move onto an existing name unless both are the same inode, and a FUSE SMB client gives
        // each spelling its own inode: rename(2) itself does what a case-only rename needs.
        if (!OperatingSystem.IsWindows())
        {
            if (PosixRename(from, to) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"Could not rename '{from}' to '{to}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }

            return;
        }
#endif
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }
    }

    public void DeleteFile(string path) => File.Delete(path);

    public void DeleteDirectory(string path) => Directory.Delete(path, recursive: false);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool GetDiskFreeSpaceEx(string directory, out ulong availableToCaller, out ulong total, out ulong totalFree);

#if NET
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int PosixRename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
#endif

    [MethodImpl(HotPath.Optimize)]
    private static FileSystemEntry ToEntry(FileSystemInfo info)
    {
        bool link = (info.Attributes & FileAttributes.ReparsePoint) != 0;
        bool readOnly = (info.Attributes & FileAttributes.ReadOnly) != 0;
        return info switch
        {
            _ when link => new FileSystemEntry(info.Name, EntryKind.Link, 0, DateTime.MinValue, readOnly),
            FileInfo file => new FileSystemEntry(file.Name, EntryKind.File, file.Length, file.LastWriteTimeUtc, readOnly),
            _ => new FileSystemEntry(info.Name, EntryKind.Directory, 0, info.LastWriteTimeUtc, readOnly),
        };
    }
}
