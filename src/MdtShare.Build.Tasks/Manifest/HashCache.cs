using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

/// <summary>
/// Hashes of files by path, size and last-write time, so a rebuild hashes only what changed. The file ends with a
/// count and a SHA-256 of everything before it: a truncated or corrupt cache is detected and rebuilt, never trusted.
/// </summary>
public sealed class HashCache
{
    private const string Magic = "mdtshare-hash-cache 1";
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private readonly ConcurrentDictionary<string, (long Length, long Ticks, string Hash)> _entries;

    private HashCache(ConcurrentDictionary<string, (long, long, string)> entries, bool rebuilt)
    {
        _entries = entries;
        WasRebuilt = rebuilt;
    }

    /// <summary>True when a cache file existed but was corrupt or truncated, and was ignored.</summary>
    public bool WasRebuilt { get; }

    public static HashCache Empty() => new(new(StringComparer.Ordinal), rebuilt: false);

    public static HashCache Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty();
        }

        string text = Utf8.GetString(File.ReadAllBytes(path));
        int trailer = text.LastIndexOf("end\t", StringComparison.Ordinal);
        var entries = new ConcurrentDictionary<string, (long, long, string)>(StringComparer.Ordinal);
        string[] end = trailer < 0 ? [] : text.Substring(trailer).TrimEnd('\n').Split('\t');
        if (end.Length != 3 || !text.StartsWith(Magic + "\n", StringComparison.Ordinal) || end[2] != Digest(text.Substring(0, trailer)))
        {
            return new HashCache(entries, rebuilt: true);
        }

        string countText = end[1];

        string[] lines = text.Substring(Magic.Length + 1, trailer - Magic.Length - 1).Split(['\n'], StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in lines)
        {
            string[] fields = line.Split(['\t'], 4);
            if (fields.Length != 4 || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long length)
                || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) || fields[0].Length != 64)
            {
                return new HashCache(new(StringComparer.Ordinal), rebuilt: true);
            }

            entries[fields[3]] = (length, ticks, fields[0]);
        }

        return entries.Count.ToString(CultureInfo.InvariantCulture) == countText ? new HashCache(entries, rebuilt: false) : new HashCache(new(StringComparer.Ordinal), rebuilt: true);
    }

    public bool TryGet(string key, TreeFile file, out string hash)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Length == file.Length && entry.Ticks == file.LastWriteTimeUtc.Ticks)
        {
            hash = entry.Hash;
            return true;
        }

        hash = string.Empty;
        return false;
    }

    public void Set(string key, TreeFile file, string hash) => _entries[key] = (file.Length, file.LastWriteTimeUtc.Ticks, hash);

    /// <summary>The cache holding only the given keys (files that left the share are forgotten).</summary>
    public byte[] ToBytes(IEnumerable<string> keys)
    {
        var text = new StringBuilder(Magic).Append('\n');
        int count = 0;
        foreach (string key in keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                text.Append(entry.Hash).Append('\t').Append(entry.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(entry.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(key).Append('\n');
                count++;
            }
        }

        string body = text.ToString();
        return Utf8.GetBytes(body + "end\t" + count.ToString(CultureInfo.InvariantCulture) + "\t" + Digest(body) + "\n");
    }

    private static string Digest(string text)
    {
        using var sha = SHA256.Create();
        return FileHasher.ToHex(sha.ComputeHash(Utf8.GetBytes(text)));
    }
}
