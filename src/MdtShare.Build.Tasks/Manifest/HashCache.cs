using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

/// <summary>
/// Hashes of files by path, size, last-write time, change time and file id, so a rebuild hashes only what changed:
/// a file rewritten with its size and last-write time put back still has a new change time (and a file restored or
/// copied over has a new id), as in git's index. The file ends with a count and a SHA-256 of everything before it: a
/// truncated or corrupt cache is detected and rebuilt, never trusted; a cache of an earlier format is not used.
/// </summary>
internal sealed class HashCache
{
    private const string Magic = "mdtshare-hash-cache 2";
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private readonly ConcurrentDictionary<string, Entry> _entries;
    private volatile bool _changed;

    private HashCache(ConcurrentDictionary<string, Entry> entries, bool rebuilt)
    {
        _entries = entries;
        WasRebuilt = rebuilt;
        _changed = rebuilt;
    }

    /// <summary>True when a cache file existed but was corrupt or truncated, and was ignored.</summary>
    public bool WasRebuilt { get; }

    public static HashCache Empty() => new(new(StringComparer.Ordinal), rebuilt: false);

    /// <summary>Starts loading the cache, to be read while the share is listed: the two are independent, and each is a
    /// good part of a build with nothing to hash.</summary>
    public static Task<HashCache> LoadInBackground(string path) => Task.Run(() => Load(path));

    [MethodImpl(HotPath.Optimize)]
    public static HashCache Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty();
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (!Utf8.GetString(bytes, 0, Math.Min(bytes.Length, Magic.Length + 1)).Equals(Magic + "\n", StringComparison.Ordinal)
            && Utf8.GetString(bytes, 0, Math.Min(bytes.Length, Magic.Length - 1)).Equals(Magic.Substring(0, Magic.Length - 1), StringComparison.Ordinal))
        {
            return Empty();   // written by an earlier version: its entries lack the stamps, so none can be trusted
        }

        int trailer = LastLineStart(bytes, "end\t");
        string[] end = trailer < 0 ? [] : Utf8.GetString(bytes, trailer, bytes.Length - trailer).TrimEnd('\n').Split('\t');
        if (end.Length != 3 || end[2] != Digest(bytes, trailer) || !Utf8.GetString(bytes, 0, Math.Min(bytes.Length, Magic.Length + 1)).Equals(Magic + "\n", StringComparison.Ordinal))
        {
            return new HashCache(new(StringComparer.Ordinal), rebuilt: true);
        }

        var entries = new ConcurrentDictionary<string, Entry>(Environment.ProcessorCount, capacity: bytes.Length / 128, StringComparer.Ordinal);
        string text = Utf8.GetString(bytes, Magic.Length + 1, trailer - Magic.Length - 1);
        for (int start = 0, newline; start < text.Length; start = newline + 1)
        {
            newline = text.IndexOf('\n', start);
            if (!TryParseEntry(text.AsSpan(start, newline - start), out Entry entry, out string key))
            {
                return new HashCache(new(StringComparer.Ordinal), rebuilt: true);
            }

            entries[key] = entry;
        }

        return entries.Count.ToString(CultureInfo.InvariantCulture) == end[1] ? new HashCache(entries, rebuilt: false) : new HashCache(new(StringComparer.Ordinal), rebuilt: true);
    }

    /// <summary>Whether saving for these keys would write anything new: an entry was added or replaced, or the
    /// set of files is not the one loaded.</summary>
    [MethodImpl(HotPath.Optimize)]
    public bool NeedsSaving(IReadOnlyCollection<string> keys) => _changed || keys.Count != _entries.Count || keys.Any(k => !_entries.ContainsKey(k));

    public bool TryGet(string key, TreeFile file, out string hash)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Length == file.Length && entry.Ticks == file.LastWriteTimeUtc.Ticks
            && entry.ChangeStamp == file.ChangeStamp && entry.FileId == file.FileId)
        {
            hash = entry.Hash;
            return true;
        }

        hash = string.Empty;
        return false;
    }

    public void Set(string key, TreeFile file, string hash)
    {
        _entries[key] = new Entry(file.Length, file.LastWriteTimeUtc.Ticks, file.ChangeStamp, file.FileId, hash);
        _changed = true;
    }

    /// <summary>The cache holding only the given keys (files that left the share are forgotten).</summary>
    [MethodImpl(HotPath.Optimize)]
    public byte[] ToBytes(IEnumerable<string> keys)
    {
        var text = new StringBuilder(Magic).Append('\n');
        int count = 0;
        foreach (string key in keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                text.Append(entry.Hash);
                foreach (long number in new[] { entry.Length, entry.Ticks, entry.ChangeStamp, entry.FileId })
                {
                    text.Append('\t').Append(unchecked((ulong)number).ToString(CultureInfo.InvariantCulture));
                }

                text.Append('\t').Append(key).Append('\n');
                count++;
            }
        }

        byte[] body = Utf8.GetBytes(text.ToString());
        byte[] trailer = Utf8.GetBytes("end\t" + count.ToString(CultureInfo.InvariantCulture) + "\t" + Digest(body, body.Length) + "\n");
        return [.. body, .. trailer];
    }

    /// <summary>"hash TAB length TAB ticks TAB change TAB file-id TAB key", parsed without splitting: the cache is
    /// read on every build.</summary>
    private static bool TryParseEntry(ReadOnlySpan<char> line, out Entry entry, out string key)
    {
        entry = default;
        key = string.Empty;
        if (line.Length < 74 || line[64] != '\t')
        {
            return false;
        }

        ReadOnlySpan<char> rest = line.Slice(65);
        if (!TryTakeNumber(ref rest, out ulong length) || !TryTakeNumber(ref rest, out ulong ticks)
            || !TryTakeNumber(ref rest, out ulong change) || !TryTakeNumber(ref rest, out ulong fileId) || rest.Length == 0)
        {
            return false;
        }

        entry = new Entry(unchecked((long)length), unchecked((long)ticks), unchecked((long)change), unchecked((long)fileId), line.Slice(0, 64).ToString());
        key = rest.ToString();
        return true;
    }

    /// <summary>Reads the decimal digits before the next tab and moves past the tab.</summary>
    private static bool TryTakeNumber(ref ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        int tab = text.IndexOf('\t');
        if (tab <= 0 || tab > 20)
        {
            return false;
        }

        foreach (char c in text.Slice(0, tab))
        {
            if (c is < '0' or > '9' || value > (ulong.MaxValue - (ulong)(c - '0')) / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        text = text.Slice(tab + 1);
        return true;
    }

    private readonly record struct Entry(long Length, long Ticks, long ChangeStamp, long FileId, string Hash);

    private static string Digest(byte[] bytes, int length)
    {
        using var sha = SHA256.Create();
        return FileHasher.ToHex(sha.ComputeHash(bytes, 0, length));
    }

    /// <summary>Where the last line starting with <paramref name="prefix"/> begins, or -1.</summary>
    private static int LastLineStart(byte[] bytes, string prefix)
    {
        byte[] wanted = Utf8.GetBytes("\n" + prefix);
        for (int i = bytes.Length - wanted.Length; i >= 0; i--)
        {
            if (bytes.AsSpan(i, wanted.Length).SequenceEqual(wanted))
            {
                return i + 1;
            }
        }

        return -1;
    }
}
