namespace MdtShare.Build.Mirror;

internal enum FailureKind
{
    /// <summary>Not worth retrying: access denied, invalid name, path too long, disk full, a missing source file.</summary>
    Permanent,

    /// <summary>The target is unreachable (failover, network loss): wait for it to come back.</summary>
    Outage,

    /// <summary>One file is held by someone else (a sharing violation, a client deploying from it): published last,
    /// once it is closed.</summary>
    Busy,
}

/// <summary>Decides whether an I/O failure is worth waiting for. Windows and POSIX codes are both known, so the
/// decision is testable on either system.</summary>
internal static class FailureClassifier
{
    // What the Windows SMB client returns while a share's node fails over or the network drops (the NTSTATUS the
    // redirector gets, as Win32 maps it): ERROR_REM_NOT_LIST (STATUS_REMOTE_NOT_LISTENING), ERROR_BAD_NETPATH,
    // ERROR_NETWORK_BUSY, ERROR_DEV_NOT_EXIST, ERROR_BAD_NET_RESP, ERROR_UNEXP_NET_ERR (a session expired or deleted),
    // ERROR_NETNAME_DELETED (connection reset or disconnected), ERROR_BAD_NET_NAME, ERROR_SEM_TIMEOUT (STATUS_IO_TIMEOUT),
    // ERROR_VC_DISCONNECTED, ERROR_DEVICE_NOT_CONNECTED, ERROR_NO_NETWORK, ERROR_CONNECTION_REFUSED,
    // ERROR_CONNECTION_INVALID, ERROR_NETWORK_UNREACHABLE, ERROR_HOST_UNREACHABLE, ERROR_CONNECTION_ABORTED,
    // ERROR_NOT_CONNECTED.
    private static readonly HashSet<int> WindowsOutage = [51, 53, 54, 55, 58, 59, 64, 67, 121, 240, 1167, 1222, 1225, 1229, 1231, 1232, 1236, 2250];

    // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
    private static readonly HashSet<int> WindowsBusy = [32, 33];

    // EIO, ENOTCONN, ESTALE, EHOSTDOWN, ETIMEDOUT, ECONNABORTED, ECONNRESET, EHOSTUNREACH, ENETDOWN, ENETUNREACH
    // (Linux numbering: .NET reports the raw errno as the HResult of an IOException on Unix).
    private static readonly HashSet<int> PosixOutage = [5, 107, 116, 112, 110, 103, 104, 113, 100, 101];

    // EBUSY, ETXTBSY, and EAGAIN: .NET on Unix plays Windows' sharing modes with advisory locks, and reports a file
    // another .NET stream holds exclusively (a lock file being written) as EWOULDBLOCK.
    private static readonly HashSet<int> PosixBusy = [16, 26, 11];

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

    /// <summary>An exclusive create found the name taken: EEXIST as .NET reports it on Unix (the raw errno), or
    /// ERROR_FILE_EXISTS / ERROR_ALREADY_EXISTS as an HRESULT.</summary>
    public static bool IsAlreadyExists(IOException exception) =>
        exception.HResult is 17 or unchecked((int)0x80070050) or unchecked((int)0x800700B7);

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
