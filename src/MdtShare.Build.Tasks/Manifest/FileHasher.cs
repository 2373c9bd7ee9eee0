using System.Security.Cryptography;
using MdtShare.Build.IO;

namespace MdtShare.Build.Manifest;

/// <summary>SHA-256 with the platform's implementation (OpenSSL on Linux, CNG on Windows) and large sequential reads.</summary>
internal static class FileHasher
{
    public static string Hash(string path, CancellationToken cancellation)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.SequentialScan);
        return Hash(stream, cancellation);
    }

    /// <param name="copyTo">Given each block as it is read, for a copy that hashes what it writes (the source is read
    /// once); reading stops when it returns false (nobody wants the rest).</param>
    public static string Hash(Stream stream, CancellationToken cancellation, Func<byte[], int, bool>? copyTo = null)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = CopyBuffer.ForThisThread;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            sha.AppendData(buffer, 0, read);
            if (copyTo is not null && !copyTo(buffer, read))
            {
                break;
            }
        }

        return ToHex(sha.GetHashAndReset());
    }

    public static string ToHex(byte[] hash)
    {
        var chars = new char[hash.Length * 2];
        for (int i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = "0123456789abcdef"[hash[i] >> 4];
            chars[(2 * i) + 1] = "0123456789abcdef"[hash[i] & 0xF];
        }

        return new string(chars);
    }
}
