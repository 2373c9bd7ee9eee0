using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MdtShare.Build.IO;

/// <summary>One entry of a folder as Windows lists it, with what .NET's enumeration leaves out.</summary>
internal readonly record struct WindowsEntry(
    string Name, FileAttributes Attributes, long Length, DateTime LastWriteTimeUtc, long ChangeStamp, long FileId);

/// <summary>
/// Lists a folder with GetFileInformationByHandleEx(FileIdBothDirectoryInfo): the same directory query .NET's own
/// enumeration makes (one call per batch of entries, locally and over SMB), but keeping each entry's change time and
/// file id, which a user cannot put back, for the hash cache.
/// </summary>
internal static class WindowsDirectory
{
    private const int FileIdBothDirectoryInfo = 10;
    private const int ErrorNoMoreFiles = 18;
    private const uint FileListDirectory = 0x1;
    private const uint Synchronize = 0x100000;
    private const uint BackupSemantics = 0x02000000;
    private const int NameOffset = 104;

    public static List<WindowsEntry> List(string directory)
    {
        var entries = new List<WindowsEntry>();
        using SafeFileHandle handle = CreateFile(FileRename.Extended(directory), FileListDirectory | Synchronize,
            FileShare.ReadWrite | FileShare.Delete, IntPtr.Zero, FileMode.Open, BackupSemantics, IntPtr.Zero);
        if (handle.IsInvalid)
        {
            throw FileRename.Win32Failure(Marshal.GetLastWin32Error(), directory);
        }

        var buffer = new byte[64 * 1024];
        while (GetFileInformationByHandleEx(handle, FileIdBothDirectoryInfo, buffer, buffer.Length))
        {
            for (int offset = 0; ; )
            {
                int next = BitConverter.ToInt32(buffer, offset);
                string name = System.Text.Encoding.Unicode.GetString(buffer, offset + NameOffset, BitConverter.ToInt32(buffer, offset + 60));
                if (name is not "." and not "..")
                {
                    entries.Add(new WindowsEntry(
                        name,
                        (FileAttributes)BitConverter.ToInt32(buffer, offset + 56),
                        BitConverter.ToInt64(buffer, offset + 40),
                        DateTime.FromFileTimeUtc(BitConverter.ToInt64(buffer, offset + 24)),
                        BitConverter.ToInt64(buffer, offset + 32),
                        BitConverter.ToInt64(buffer, offset + 96)));
                }

                if (next == 0)
                {
                    break;
                }

                offset += next;
            }
        }

        int error = Marshal.GetLastWin32Error();
        return error == ErrorNoMoreFiles ? entries : throw FileRename.Win32Failure(error, directory);
    }

    [DllImport("kernel32.dll", EntryPoint = "CreateFileW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern SafeFileHandle CreateFile(string name, uint access, FileShare share, IntPtr security, FileMode mode, uint flags, IntPtr template);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool GetFileInformationByHandleEx(SafeFileHandle handle, int informationClass, byte[] buffer, int size);
}
