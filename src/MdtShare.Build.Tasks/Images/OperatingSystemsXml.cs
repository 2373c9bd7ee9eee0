using System.Text;
using System.Xml;

namespace MdtShare.Build.Images;

/// <summary>One <c>&lt;ImageFile&gt;</c> of OperatingSystems.xml.</summary>
/// <param name="Value">The element's text, XML-unescaped.</param>
/// <param name="Line">1-based line of the element, for messages.</param>
/// <param name="WdsServer">The <c>&lt;WDSServer&gt;</c> beside it, or empty: LiteTouch then reads a relative value
/// from that server's REMINST share instead of DeployRoot.</param>
internal sealed record ImageFileEntry(string Value, int Line, string WdsServer);

/// <summary>
/// A share's <c>Control/OperatingSystems.xml</c> as the Deployment Workbench writes it (UTF-8), read for its
/// <c>ImageFile</c> values and rewritten in those values only: clients and the Workbench read the rest, so every other
/// byte (byte order mark, line ends, indentation, comments) is kept as it was.
/// </summary>
internal sealed class OperatingSystemsXml
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    private readonly string _text;
    private readonly bool _hadByteOrderMark;
    private readonly IReadOnlyList<ElementText> _imageFileTexts;

    private OperatingSystemsXml(string text, bool hadByteOrderMark, IReadOnlyList<ImageFileEntry> imageFiles, IReadOnlyList<ElementText> imageFileTexts)
    {
        _text = text;
        _hadByteOrderMark = hadByteOrderMark;
        ImageFiles = imageFiles;
        _imageFileTexts = imageFileTexts;
    }

    /// <summary>Every <c>ImageFile</c> element, in file order.</summary>
    public IReadOnlyList<ImageFileEntry> ImageFiles { get; }

    /// <summary>Reads the file; null when it is not UTF-8 well-formed XML whose ImageFile values are plain text, with
    /// <paramref name="problem"/> saying why, so the caller can leave every image as it is.</summary>
    public static OperatingSystemsXml? TryRead(byte[] bytes, out string problem)
    {
        if (StartsWith(bytes, 0xFF, 0xFE) || StartsWith(bytes, 0xFE, 0xFF))
        {
            problem = "it is UTF-16 (it starts with a UTF-16 byte order mark)";
            return null;
        }

        bool byteOrderMark = StartsWith(bytes, Utf8ByteOrderMark);
        int start = byteOrderMark ? Utf8ByteOrderMark.Length : 0;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            problem = "it is not valid UTF-8";
            return null;
        }

        try
        {
            return Parse(text, byteOrderMark, out problem);
        }
        catch (XmlException e)
        {
            problem = $"it is not well-formed XML ({e.Message})";
            return null;
        }
    }

    /// <summary>The file with ImageFile values replaced. Keys are entries of <see cref="ImageFiles"/>, not values: the
    /// same value may name an image in the share in one entry and on a WDS server in another. Never an empty entry,
    /// which may be written <c>&lt;ImageFile /&gt;</c>, with no text between tags to replace.</summary>
    public byte[] Rewrite(IReadOnlyDictionary<ImageFileEntry, string> newValues)
    {
        var text = new StringBuilder(_text.Length);
        int copied = 0;
        for (int i = 0; i < ImageFiles.Count; i++)
        {
            if (newValues.TryGetValue(ImageFiles[i], out string? value))
            {
                ElementText old = _imageFileTexts[i];
                text.Append(_text, copied, old.Start - copied).Append(Escape(value));
                copied = old.End;
            }
        }

        text.Append(_text, copied, _text.Length - copied);
        byte[] body = StrictUtf8.GetBytes(text.ToString());
        return _hadByteOrderMark ? Utf8ByteOrderMark.Concat(body).ToArray() : body;
    }

    private static OperatingSystemsXml? Parse(string text, bool byteOrderMark, out string problem)
    {
        problem = string.Empty;
        int[] lineStarts = LineStarts(text);
        var entries = new List<ImageFileEntry>();
        var texts = new List<ElementText>();

        // One frame per open element, so an ImageFile learns the WDSServer of its own <os>, wherever that stands.
        var frames = new Stack<OpenElement>();
        frames.Push(new OpenElement());
        using var reader = XmlReader.Create(new StringReader(text), ReaderSettings);
        var position = (IXmlLineInfo)reader;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.XmlDeclaration)
            {
                string? encoding = reader.GetAttribute("encoding");
                if (encoding is not null && !string.Equals(encoding, "utf-8", StringComparison.OrdinalIgnoreCase))
                {
                    problem = $"its XML declaration says encoding=\"{encoding}\"";
                    return null;
                }
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.Name is "ImageFile" or "WDSServer")
            {
                string name = reader.Name;
                int line = position.LineNumber;
                ElementText? content = ReadText(reader, lineStarts);
                if (content is null)
                {
                    problem = $"the {name} element at line {line} holds markup, not plain text";
                    return null;
                }

                if (name == "WDSServer")
                {
                    frames.Peek().WdsServer = content.Value;
                }
                else
                {
                    frames.Peek().ImageFiles.Add(entries.Count);
                    entries.Add(new ImageFileEntry(content.Value, line, string.Empty));
                    texts.Add(content);
                }
            }
            else if (reader.NodeType == XmlNodeType.Element && !reader.IsEmptyElement)
            {
                frames.Push(new OpenElement());
            }
            else if (reader.NodeType == XmlNodeType.EndElement)
            {
                var closed = frames.Pop();
                closed.ImageFiles.ForEach(i => entries[i] = entries[i] with { WdsServer = closed.WdsServer });
            }
        }

        return new OperatingSystemsXml(text, byteOrderMark, entries, texts);
    }

    /// <summary>Reads an element's text through its end tag; null when it holds anything but text (comments, CDATA,
    /// elements), which the Workbench never writes there.</summary>
    private static ElementText? ReadText(XmlReader reader, int[] lineStarts)
    {
        if (reader.IsEmptyElement)
        {
            return new ElementText(string.Empty, 0, 0);
        }

        var value = new StringBuilder();
        int start = -1;
        while (reader.Read() && reader.NodeType is XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            start = start < 0 ? Offset(reader, lineStarts) : start;
            value.Append(reader.Value);
        }

        if (reader.NodeType != XmlNodeType.EndElement)
        {
            return null;
        }

        // The end tag's position is that of its name, after "</".
        int end = Offset(reader, lineStarts) - 2;
        return new ElementText(value.ToString(), start < 0 ? end : start, end);
    }

    /// <summary>The reader's position as an index into the text: XmlReader counts lines ended by CR LF, CR or LF, and
    /// columns in UTF-16 units from 1.</summary>
    private static int Offset(XmlReader reader, int[] lineStarts)
    {
        var position = (IXmlLineInfo)reader;
        return lineStarts[position.LineNumber - 1] + position.LinePosition - 1;
    }

    private static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToArray();
    }

    private static string Escape(string value) => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static bool StartsWith(byte[] bytes, params byte[] prefix) =>
        bytes.Length >= prefix.Length && bytes.Take(prefix.Length).SequenceEqual(prefix);

    /// <summary>An element's text: its value, and where its escaped form stands in the file's text.</summary>
    private sealed record ElementText(string Value, int Start, int End);

    private sealed class OpenElement
    {
        public List<int> ImageFiles { get; } = [];

        public string WdsServer { get; set; } = string.Empty;
    }
}
