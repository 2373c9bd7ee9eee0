using System.Security.Cryptography;
using System.Text;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Images;

/// <summary>
/// Names that carry an image's content hash (the first 12 hex digits of SHA-256), so that a new image never takes the
/// name a client of the old OperatingSystems.xml is reading. A name that already carries a hash has it replaced, not
/// added to: a share copied from a published target gets the same names again.
/// </summary>
internal static class VersionedName
{
    private const int HashLength = 12;

    /// <summary><c>install.wim</c> → <c>install.&lt;hash&gt;.wim</c>; <c>install.&lt;old hash&gt;.wim</c> too.</summary>
    public static string ForFile(string fileName, string sha256)
    {
        string extension = Path.GetExtension(fileName);
        string stem = fileName.Substring(0, fileName.Length - extension.Length);
        if (stem.Length > HashLength && stem[stem.Length - HashLength - 1] == '.' && IsHash(stem, stem.Length - HashLength))
        {
            stem = stem.Substring(0, stem.Length - HashLength - 1);
        }

        return $"{stem}.{sha256.Substring(0, HashLength)}{extension}";
    }

    /// <summary><c>install2.swm</c> → <c>&lt;set hash&gt;.install2.swm</c>. The hash comes first: any name that starts
    /// with the stem would also match <c>install*.swm</c>, the pattern clients of the old OperatingSystems.xml give
    /// DISM, which would then load a mixed set.</summary>
    public static string ForSplitPart(string fileName, string setHash)
    {
        if (fileName.Length > HashLength + 1 && fileName[HashLength] == '.' && IsHash(fileName, 0))
        {
            fileName = fileName.Substring(HashLength + 1);
        }

        return $"{setHash.Substring(0, HashLength)}.{fileName}";
    }

    /// <summary>A split set's hash: SHA-256 over its parts' hashes, in DISM's order, one a line.</summary>
    public static string ForSplitSet(IEnumerable<string> partHashes)
    {
        using var sha = SHA256.Create();
        return FileHasher.ToHex(sha.ComputeHash(Encoding.ASCII.GetBytes(string.Join("\n", partHashes))));
    }

    /// <summary>Lowercase only: that is how this class writes them, and a name in capitals is more likely a person's.</summary>
    private static bool IsHash(string text, int start)
    {
        for (int i = start; i < start + HashLength; i++)
        {
            if (!(text[i] is >= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
