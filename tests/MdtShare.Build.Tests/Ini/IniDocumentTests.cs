using System.Text;
using MdtShare.Build.Ini;

namespace MdtShare.Build.Tests.Ini;

public class IniDocumentTests
{
    [Fact]
    public void AnyTextWithoutNulRoundTripsExactly()
    {
        var random = new Random(20261126);
        byte[] alphabet = Encoding.Latin1.GetBytes("[]=;\r\n\t \u00A0abcDEF\\%#,\u00FC\u0080");
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = Enumerable.Range(0, random.Next(0, 200))
                .Select(_ => random.Next(3) == 0 ? (byte)random.Next(1, 256) : alphabet[random.Next(alphabet.Length)])
                .ToArray();
            string text = Encoding.Latin1.GetString(bytes);
            Assert.Equal(text, IniDocument.Parse(text).ToString());
        }
    }

    [Fact]
    public void LinesKeepTheirOwnEndings()
    {
        var document = IniDocument.Parse("a\r\nb\nc\rd");
        Assert.Equal(["\r\n", "\n", "\r", ""], document.Lines.Select(l => l.Ending));
        Assert.Equal([1, 2, 3, 4], document.Lines.Select(l => l.Number));
    }

    [Fact]
    public void LineKindsFollowMdtReadIni()
    {
        var document = IniDocument.Parse("\n; c\n[S]\nk = v = w\nno equals\n[broken\n");
        Assert.Equal([IniLineKind.Blank, IniLineKind.Comment, IniLineKind.SectionHeader, IniLineKind.KeyValue, IniLineKind.Other, IniLineKind.SectionHeader],
            document.Lines.Select(l => l.Kind));
        Assert.Equal(("k", "v = w"), (document.Lines[3].Key, document.Lines[3].Value));
        Assert.Null(document.Lines[5].SectionName);
    }

    [Fact]
    public void DominantLineEndingIsTheMostCommonOne_CrLfForNone()
    {
        Assert.Equal("\n", IniDocument.Parse("a\r\nb\nc\n").DominantLineEnding);
        Assert.Equal("\r\n", IniDocument.Parse("single line").DominantLineEnding);
    }
}
