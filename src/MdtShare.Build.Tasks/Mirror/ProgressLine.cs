using System.Globalization;

namespace MdtShare.Build.Mirror;

/// <summary>The throttled progress line of long publishes: files, bytes, rate and time left.</summary>
public static class ProgressLine
{
    public static string Format(string target, int files, int totalFiles, long bytes, long totalBytes, TimeSpan elapsed)
    {
        double rate = bytes / Math.Max(0.001, elapsed.TotalSeconds);
        string eta = rate > 0 ? Duration(TimeSpan.FromSeconds((totalBytes - bytes) / rate)) : "?";
        return string.Format(CultureInfo.InvariantCulture, "{0}: {1:N0}/{2:N0} files, {3}/{4}, {5}/s, about {6} left",
            target, files, totalFiles, Size(bytes), Size(totalBytes), Size((long)rate), eta);
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
