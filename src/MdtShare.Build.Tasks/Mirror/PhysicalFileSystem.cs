using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MdtShare.Build.IO;

namespace MdtShare.Build.Mirror;

internal sealed class PhysicalFileSystem : IMirrorFileSystem
{
    private const int NoBuffer = 1;

    /// <summary>HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION).</summary>
    private const int SharingViolation = unchecked((int)0x80070020);

    private static readonly bool IsWindows = HostSystem.IsWindows;

    public static PhysicalFileSystem Instance { get; } = new();

    /// <remarks>Each file comes with its change time and file id (see <see cref="FileSystemEntry"/>): from the
    /// directory listing itself on Windows, from one statx per file elsewhere.</remarks>
    [MethodImpl(HotPath.Optimize)]
    public IReadOnlyList<FileSystemEntry> Enumerate(string directory) =>
        IsWindows ? WindowsDirectory.List(directory).Select(ToEntry).ToList() : EnumeratePosix(directory);

    [MethodImpl(HotPath.Optimize)]
    private static FileSystemEntry ToEntry(WindowsEntry entry)
    {
        bool readOnly = (entry.Attributes & FileAttributes.ReadOnly) != 0;
        return (entry.Attributes & FileAttributes.ReparsePoint) != 0 ? new FileSystemEntry(entry.Name, EntryKind.Link, 0, DateTime.MinValue, readOnly)
            : (entry.Attributes & FileAttributes.Directory) != 0 ? new FileSystemEntry(entry.Name, EntryKind.Directory, 0, entry.LastWriteTimeUtc, readOnly)
            : new FileSystemEntry(entry.Name, EntryKind.File, entry.Length, entry.LastWriteTimeUtc, readOnly, entry.ChangeStamp, entry.FileId);
    }

#if NET
    private static readonly EnumerationOptions ListEverything = new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    [MethodImpl(HotPath.Optimize)]
    private static List<FileSystemEntry> EnumeratePosix(string directory) =>
        new System.IO.Enumeration.FileSystemEnumerable<FileSystemEntry>(directory, ToEntry, ListEverything).ToList();

    [MethodImpl(HotPath.Optimize)]
    private static FileSystemEntry ToEntry(ref System.IO.Enumeration.FileSystemEntry entry)
    {
        FileAttributes attributes = entry.Attributes;
        bool readOnly = (attributes & FileAttributes.ReadOnly) != 0;
        string name = entry.FileName.ToString();
        if ((attributes & FileAttributes.ReparsePoint) != 0)
        {
            return new FileSystemEntry(name, EntryKind.Link, 0, DateTime.MinValue, readOnly);
        }

        if (entry.IsDirectory)
        {
            return new FileSystemEntry(name, EntryKind.Directory, 0, entry.LastWriteTimeUtc.UtcDateTime, readOnly);
        }

        var (changeStamp, fileId) = PosixStat.Read(Path.Combine(entry.Directory.ToString(), name));
        return new FileSystemEntry(name, EntryKind.File, entry.Length, entry.LastWriteTimeUtc.UtcDateTime, readOnly, changeStamp, fileId);
    }
#else
    [MethodImpl(HotPath.Optimize)]
    private static List<FileSystemEntry> EnumeratePosix(string directory) =>
        new DirectoryInfo(directory).EnumerateFileSystemInfos().Select(ToEntry).ToList();
#endif

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public long? AvailableFreeSpace(string path)
    {
        // DriveInfo takes no UNC path, and a cluster share is one: Windows asks the share itself.
        if (IsWindows)
        {
            return GetDiskFreeSpaceEx(FreeSpaceQueryPath(path), out ulong available, out _, out _) ? (long)Math.Min(available, long.MaxValue) : null;
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

    /// <summary>GetDiskFreeSpaceEx fails on a UNC share root without its trailing backslash (\\server\share).</summary>
    internal static string FreeSpaceQueryPath(string path) =>
        path.EndsWith(@"\", StringComparison.Ordinal) || path.EndsWith("/", StringComparison.Ordinal) ? path : path + @"\";

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

    /// <remarks>Readers are let in while it is written: .NET on Unix takes its advisory lock only after the exclusive
    /// create, so a reader slipping in between would make an exclusive open fail after the file was made.</remarks>
    public Stream CreateNew(string path) =>
        new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, NoBuffer);

    public void SetLastWriteTimeUtc(string path, DateTime time) => File.SetLastWriteTimeUtc(path, time);

    public void SetReadOnly(string path, bool readOnly)
    {
        FileAttributes attributes = File.GetAttributes(path);
        if (((attributes & FileAttributes.ReadOnly) != 0) != readOnly)
        {
            File.SetAttributes(path, readOnly ? attributes | FileAttributes.ReadOnly : attributes & ~FileAttributes.ReadOnly);
        }
    }

    /// <remarks>
    /// Windows refuses to rename over a file another process holds open with ERROR_ACCESS_DENIED, the same code as a
    /// missing permission. A deploying client holds install.wim for the whole apply, so the two must be told apart:
    /// a file that cannot be opened exclusively right after the refusal is held, and reported as a sharing
    /// violation (busy: retried once the rest is published); otherwise the denial stands (permanent).
    /// </remarks>
    public void Replace(string source, string destination)
    {
        try
        {
            FileRename.Replace(source, destination);
        }
        catch (UnauthorizedAccessException e) when (IsWindows && IsHeldOpen(destination))
        {
            throw new IOException($"{e.Message} (it is open in another process)", SharingViolation);
        }
    }

    /// <summary>On POSIX, rename(2) itself: .NET refuses to move onto an existing name unless both are the same inode,
    /// and a FUSE SMB client gives each spelling its own inode. On Windows, MoveFileEx, which takes a case-only rename
    /// of a folder on both builds (the .NET Framework's Directory.Move refuses it).</summary>
    public void Rename(string from, string to) => FileRename.Rename(from, to);

    public void CreateHardLink(string existing, string link) => FileLink.Create(existing, link);

    public void DeleteFile(string path) => File.Delete(path);

    public void DeleteDirectory(string path) => Directory.Delete(path, recursive: false);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    private static bool IsHeldOpen(string path)
    {
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None))
            {
                return false;
            }
        }
        catch (IOException e) when (e.HResult == SharingViolation)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool GetDiskFreeSpaceEx(string directory, out ulong availableToCaller, out ulong total, out ulong totalFree);

    [MethodImpl(HotPath.Optimize)]
    private static FileSystemEntry ToEntry(FileSystemInfo info)
    {
        bool link = (info.Attributes & FileAttributes.ReparsePoint) != 0;
        bool readOnly = (info.Attributes & FileAttributes.ReadOnly) != 0;
        if (link)
        {
            return new FileSystemEntry(info.Name, EntryKind.Link, 0, DateTime.MinValue, readOnly);
        }

        if (info is not FileInfo file)
        {
            return new FileSystemEntry(info.Name, EntryKind.Directory, 0, info.LastWriteTimeUtc, readOnly);
        }

        var (changeStamp, fileId) = IsWindows ? (0, 0) : PosixStat.Read(file.FullName);
        return new FileSystemEntry(file.Name, EntryKind.File, file.Length, file.LastWriteTimeUtc, readOnly, changeStamp, fileId);
    }
}
