namespace MdtShare.Build.IO;

/// <summary>
/// One 1 MiB buffer per thread for sequential reads. A new array per file would put tens of thousands of
/// large-object-heap arrays through the garbage collector on a big share; worker threads reuse theirs.
/// </summary>
internal static class CopyBuffer
{
    public const int Size = 1024 * 1024;

    [ThreadStatic]
    private static byte[]? _buffer;

    public static byte[] ForThisThread => _buffer ??= new byte[Size];
}
