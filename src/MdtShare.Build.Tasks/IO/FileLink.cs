using System.Runtime.InteropServices;

namespace MdtShare.Build.IO;

/// <summary>
/// A second name for a file that exists (a hard link): CreateHardLink on Windows (SMB servers on NTFS and ReFS
/// honour it), link(2) elsewhere. Both names hold the same bytes, and deleting one leaves the other; the new name
/// appears whole, in one step, like a rename.
/// </summary>
internal static class FileLink
{
    private static readonly bool IsWindows = HostSystem.IsWindows;

    public static void Create(string existing, string link)
    {
        if (IsWindows)
        {
            if (!CreateHardLink(FileRename.Extended(link), FileRename.Extended(existing), IntPtr.Zero))
            {
                throw FileRename.Win32Failure(Marshal.GetLastWin32Error(), link);
            }
        }
        else if (PosixLink(FileRename.Utf8(existing), FileRename.Utf8(link)) != 0)
        {
            throw FileRename.PosixFailure(Marshal.GetLastWin32Error(), link);
        }
    }

    [DllImport("kernel32.dll", EntryPoint = "CreateHardLinkW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CreateHardLink(string link, string existing, IntPtr securityAttributes);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int PosixLink(byte[] existing, byte[] link);
}
