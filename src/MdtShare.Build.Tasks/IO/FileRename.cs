using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace MdtShare.Build.IO;

/// <summary>
/// Renames the same way on both builds of the tasks and on every system: MoveFileEx on Windows, rename(2) elsewhere.
/// Never File.Replace: on the .NET Framework it can fail with ERROR_UNABLE_TO_MOVE_REPLACEMENT after it has already
/// removed the destination, so a final name would vanish. Never a copy: MOVEFILE_COPY_ALLOWED is not passed, so a
/// rename that cannot be done in one step fails instead of leaving a half-copied file.
/// </summary>
internal static class FileRename
{
    private const int MoveFileReplaceExisting = 0x1;
    private const int MoveFileWriteThrough = 0x8;

    private static readonly bool IsWindows = HostSystem.IsWindows;

    /// <summary>
    /// Renames <paramref name="source"/> over <paramref name="destination"/> in one step. The destination takes the
    /// source's attributes and security descriptor (a file created in the destination's folder inherits that folder's
    /// permissions); nothing of the replaced file is kept.
    /// </summary>
    public static void Replace(string source, string destination) =>
        Move(source, destination, MoveFileReplaceExisting | MoveFileWriteThrough);

    /// <summary>Renames a file or folder to a name that must not exist, or to another letter case of its own name.</summary>
    public static void Rename(string from, string to) => Move(from, to, MoveFileWriteThrough);

    private static void Move(string from, string to, int windowsFlags)
    {
        if (IsWindows)
        {
            if (!MoveFileEx(Extended(from), Extended(to), windowsFlags))
            {
                throw Win32Failure(Marshal.GetLastWin32Error(), to);
            }
        }
        else if (PosixRename(Utf8(from), Utf8(to)) != 0)
        {
            throw PosixFailure(Marshal.GetLastWin32Error(), to);
        }
    }

    /// <summary>The exception .NET's own file APIs throw for a Win32 error, with the error in its HResult.</summary>
    public static Exception Win32Failure(int error, string path)
    {
        string message = $"{new Win32Exception(error).Message} : '{path}'";
        return error switch
        {
            2 => new FileNotFoundException(message, path),
            3 => new DirectoryNotFoundException(message),
            5 => new UnauthorizedAccessException(message),
            206 => new PathTooLongException(message),
            _ => new IOException(message, unchecked((int)0x80070000) | error),
        };
    }

    /// <summary>The exception .NET's own file APIs throw on Unix for an errno, with the raw errno as its HResult.</summary>
    internal static Exception PosixFailure(int errno, string path)
    {
        string message = $"{Marshal.PtrToStringAnsi(StrError(errno))} : '{path}'";
        return errno switch
        {
            1 or 13 => new UnauthorizedAccessException(message),
            2 => new FileNotFoundException(message, path),
            36 => new PathTooLongException(message),
            _ => new IOException(message, errno),
        };
    }

    /// <summary>Full path with the \\?\ prefix, so MoveFileEx takes paths longer than MAX_PATH on every Windows.</summary>
    internal static string Extended(string path)
    {
        string full = Path.GetFullPath(path);
        return full.StartsWith(@"\\?\", StringComparison.Ordinal) ? full
            : full.StartsWith(@"\\", StringComparison.Ordinal) ? @"\\?\UNC\" + full.Substring(2)
            : @"\\?\" + full;
    }

    internal static byte[] Utf8(string path) => Encoding.UTF8.GetBytes(path + "\0");

    [DllImport("kernel32.dll", EntryPoint = "MoveFileExW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool MoveFileEx(string existing, string replacement, int flags);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int PosixRename(byte[] from, byte[] to);

    [DllImport("libc", EntryPoint = "strerror")]
    private static extern IntPtr StrError(int errno);
}
