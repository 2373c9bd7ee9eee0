namespace MdtShare.Build.Mirror;

public enum FailureKind
{
    /// <summary>Not worth retrying: access denied, invalid name, path too long, disk full, a missing source file.</summary>
    Permanent,

    /// <summary>The target is unreachable (failover, network loss): wait for it to come back.</summary>
    Outage,

    /// <summary>One file is held by someone else (a sharing violation): retry that file.</summary>
    Busy,
}

/// <summary>Decides whether an I/O failure is worth waiting for. Windows and POSIX codes are both known, so the
/// decision is testable on either system.</summary>
public static class FailureClassifier
{
    // ERROR_BAD_NETPATH, ERROR_UNEXP_NET_ERR, ERROR_NETNAME_DELETED, ERROR_BAD_NET_NAME, ERROR_SEM_TIMEOUT,
    // ERROR_NETWORK_UNREACHABLE, ERROR_NETWORK_BUSY, ERROR_DEV_NOT_EXIST, ERROR_CONNECTION_ABORTED.
    private static readonly HashSet<int> WindowsOutage = [53, 59, 64, 67, 121, 1231, 54, 55, 1236];

    // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
    private static readonly HashSet<int> WindowsBusy = [32, 33];

    // EIO, ENOTCONN, ESTALE, EHOSTDOWN, ETIMEDOUT, ECONNABORTED, ECONNRESET, EHOSTUNREACH, ENETDOWN, ENETUNREACH
    // (Linux numbering: .NET reports the raw errno as the HResult of an IOException on Unix).
    private static readonly HashSet<int> PosixOutage = [5, 107, 116, 112, 110, 103, 104, 113, 100, 101];

    // EBUSY, ETXTBSY.
    private static readonly HashSet<int> PosixBusy = [16, 26];

    // ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL; ENOSPC, EDQUOT.
    private static readonly HashSet<int> WindowsDiskFull = [39, 112];
    private static readonly HashSet<int> PosixDiskFull = [28, 122];

    /// <param name="targetRootExists">Whether the destination root is reachable now; a vanished mount root is an outage.</param>
    public static FailureKind Classify(Exception exception, bool isWindows, Func<bool> targetRootExists)
    {
        if (exception is UnauthorizedAccessException or PathTooLongException)
        {
            return FailureKind.Permanent;
        }

        if (exception is not IOException)
        {
            return FailureKind.Permanent;
        }

        int code = ErrorCode(exception, isWindows);
        if ((isWindows ? WindowsBusy : PosixBusy).Contains(code))
        {
            return FailureKind.Busy;
        }

        if ((isWindows ? WindowsOutage : PosixOutage).Contains(code))
        {
            return FailureKind.Outage;
        }

        return exception is DirectoryNotFoundException or FileNotFoundException && !SafeExists(targetRootExists)
            ? FailureKind.Outage
            : FailureKind.Permanent;
    }

    /// <summary>The target has no room left: every further write fails the same way, so the publish stops.</summary>
    public static bool IsDiskFull(Exception exception, bool isWindows) =>
        exception is IOException && (isWindows ? WindowsDiskFull : PosixDiskFull).Contains(ErrorCode(exception, isWindows));

    private static int ErrorCode(Exception exception, bool isWindows)
    {
        int code = exception.HResult;
        return isWindows && (code & 0xFFFF0000) == 0x80070000 ? code & 0xFFFF : code;
    }

    private static bool SafeExists(Func<bool> exists)
    {
        try
        {
            return exists();
        }
        catch (IOException)
        {
            return false;
        }
    }
}
