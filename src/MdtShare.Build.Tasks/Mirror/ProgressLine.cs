using System.Globalization;

namespace MdtShare.Build.Mirror;

/// <summary>Where a long publish is: files, bytes, rate and time left. Sent at most once per progress interval.</summary>
internal sealed record ProgressLine(string Target, int Files, int TotalFiles, long Bytes, long TotalBytes, TimeSpan Elapsed)
{
    /// <summary>Done so far, by bytes (by files when nothing but empty files is copied).</summary>
    public int Percent => (int)(TotalBytes > 0 ? 100 * Bytes / TotalBytes : TotalFiles > 0 ? 100L * Files / TotalFiles : 100);

    public override string ToString()
    {
        double rate = Bytes / Math.Max(0.001, Elapsed.TotalSeconds);
        string eta = rate > 0 ? Duration(TimeSpan.FromSeconds((TotalBytes - Bytes) / rate)) : "?";
        return string.Format(CultureInfo.InvariantCulture, "{0}: {1:N0}/{2:N0} files, {3}/{4}, {5}/s, about {6} left",
            Target, Files, TotalFiles, Size(Bytes), Size(TotalBytes), Size((long)rate), eta);
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00 GB", CultureInfo.InvariantCulture),
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0 MB", CultureInfo.InvariantCulture),
        >= 1L << 10 => (bytes / 1024.0).ToString("0.0 KB", CultureInfo.InvariantCulture),
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{Math.Ceiling(span.TotalSeconds):0}s";
}
