using System.Text;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Ini;

internal enum IniEncoding
{
    /// <summary>ASCII or Windows-1252: what MDT's <c>OpenTextFile</c> reads.</summary>
    Ansi,

    /// <summary>Non-ASCII text that is valid UTF-8.</summary>
    Utf8,
}

/// <summary>
/// The bytes of an INI file as text MDT would see, one char per byte, so that unedited lines round-trip exactly
/// whatever their encoding. Only values we write are encoded, in the file's own encoding.
/// </summary>
internal sealed class IniText
{
    private static readonly Encoding Latin1 = System.Text.Encoding.GetEncoding(28591);
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
#if NETFRAMEWORK
    private static readonly Encoding StrictAnsi = System.Text.Encoding.GetEncoding(
        1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
#else
    // Asked of the provider directly: registering it would change every Encoding lookup in the MSBuild process.
    private static readonly Encoding StrictAnsi = CodePagesEncodingProvider.Instance.GetEncoding(
        1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;
#endif

    private IniText(string rawText, IniEncoding encoding, bool hadUtf8ByteOrderMark)
    {
        RawText = rawText;
        FileEncoding = encoding;
        HadUtf8ByteOrderMark = hadUtf8ByteOrderMark;
    }

    /// <summary>The file's bytes after any UTF-8 BOM, one char per byte.</summary>
    public string RawText { get; }

    public IniEncoding FileEncoding { get; }

    public bool HadUtf8ByteOrderMark { get; }

    /// <exception cref="MdtShareException">MDTS1002 for UTF-16, UTF-32 or binary content.</exception>
    public static IniText Decode(byte[] bytes, string path)
    {
        string? unsupported =
            StartsWith(bytes, 0xFF, 0xFE, 0x00, 0x00) || StartsWith(bytes, 0x00, 0x00, 0xFE, 0xFF) ? "UTF-32"
            : StartsWith(bytes, 0xFF, 0xFE) || StartsWith(bytes, 0xFE, 0xFF) ? "UTF-16"
            : Array.IndexOf(bytes, (byte)0) >= 0 ? "UTF-16 without a byte order mark, or binary data"
            : null;
        if (unsupported is not null)
        {
            throw new MdtShareException(new Diagnostic(
                DiagnosticCode.UnsupportedEncoding,
                $"The file is {unsupported}. MDT reads Bootstrap.ini as ANSI text only, so clients could not read it; save it as ANSI (Windows-1252) or ASCII.",
                path));
        }

        bool bom = StartsWith(bytes, 0xEF, 0xBB, 0xBF);
        int offset = bom ? 3 : 0;
        string raw = Latin1.GetString(bytes, offset, bytes.Length - offset);
        return new IniText(raw, IsUtf8WithNonAscii(bytes, offset) ? IniEncoding.Utf8 : IniEncoding.Ansi, bom);
    }

    public static byte[] Encode(string rawText) => Latin1.GetBytes(rawText);

    /// <summary>Encodes a value for this file, or returns null when the file's encoding cannot hold it.</summary>
    public string? ToRaw(string value)
    {
        try
        {
            byte[] bytes = (FileEncoding == IniEncoding.Utf8 ? StrictUtf8 : StrictAnsi).GetBytes(value);
            return Latin1.GetString(bytes);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Decodes raw text (one char per byte) for messages.</summary>
    public string FromRaw(string raw)
    {
        byte[] bytes = Latin1.GetBytes(raw);
        try
        {
            return (FileEncoding == IniEncoding.Utf8 ? StrictUtf8 : StrictAnsi).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return raw;
        }
    }

    private static bool IsUtf8WithNonAscii(byte[] bytes, int offset)
    {
        bool nonAscii = false;
        for (int i = offset; i < bytes.Length && !nonAscii; i++)
        {
            nonAscii = bytes[i] >= 0x80;
        }

        if (!nonAscii)
        {
            return false;
        }

        try
        {
            StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool StartsWith(byte[] bytes, params byte[] prefix)
    {
        if (bytes.Length < prefix.Length)
        {
            return false;
        }

        for (int i = 0; i < prefix.Length; i++)
        {
            if (bytes[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }
}
