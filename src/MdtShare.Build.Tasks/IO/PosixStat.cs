using System.Runtime.InteropServices;
using System.Text;

namespace MdtShare.Build.IO;

/// <summary>
/// A file's change time and inode number on Linux (statx), which .NET does not expose. A user can put a file's size
/// and last-write time back (touch -d, a restore, a copy tool); the change time moves with every write and cannot be
/// set, and the inode changes when a file is replaced. git's index trusts a file's stat data the same way.
/// </summary>
internal static class PosixStat
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxChangeTimeAndInode = 0x80 | 0x100;

    [ThreadStatic]
    private static byte[]? _buffer;

    private static volatile bool _unavailable;

    /// <summary>The change time (nanoseconds since 1970) and inode of a file, or zeros where statx is missing
    /// (glibc before 2.28, or not Linux): the hash cache then trusts size and last-write time alone.</summary>
    public static (long ChangeStamp, long FileId) Read(string path)
    {
        if (_unavailable)
        {
            return (0, 0);
        }

        byte[] buffer = _buffer ??= new byte[256];
        try
        {
            if (Statx(AtCurrentDirectory, Encoding.UTF8.GetBytes(path + "\0"), AtSymlinkNoFollow, StatxChangeTimeAndInode, buffer) != 0)
            {
                return (0, 0);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
            return (0, 0);
        }

        long inode = BitConverter.ToInt64(buffer, 32);
        long seconds = BitConverter.ToInt64(buffer, 96);
        uint nanoseconds = BitConverter.ToUInt32(buffer, 104);
        return ((seconds * 1_000_000_000) + nanoseconds, inode);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, byte[] buffer);
}
