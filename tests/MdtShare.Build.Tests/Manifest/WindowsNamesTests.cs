using MdtShare.Build.Manifest;

namespace MdtShare.Build.Tests.Manifest;

public class WindowsNamesTests
{
    [Theory]
    [InlineData("line\nbreak.inf")]
    [InlineData("back\\slash.inf")]
    [InlineData("tab\there")]
    [InlineData("CON")]
    [InlineData("con.txt")]
    [InlineData("PRN")]
    [InlineData("AUX.inf")]
    [InlineData("NUL")]
    [InlineData("COM1")]
    [InlineData("com9.log")]
    [InlineData("LPT1")]
    [InlineData("CONIN$")]
    [InlineData("trailing.")]
    [InlineData("trailing ")]
    [InlineData("a:b")]
    [InlineData("a*b")]
    [InlineData("a?b")]
    [InlineData("a\"b")]
    [InlineData("a<b")]
    [InlineData("a>b")]
    [InlineData("a|b")]
    public void NamesWindowsCannotHold(string name) => Assert.NotNull(WindowsNames.Problem(name));

    [Theory]
    [InlineData("CONSOLE.inf")]
    [InlineData("COM10")]
    [InlineData("con-fig.xml")]
    [InlineData("LiteTouchPE_x64.wim")]
    [InlineData("Distribution$")]
    [InlineData(".hidden")]
    [InlineData("Zürich.txt")]
    public void NamesWindowsCanHold(string name) => Assert.Null(WindowsNames.Problem(name));

    [Fact]
    public void InvalidNamesAndCaseCollisionsAreReportedWithTheirPaths()
    {
        var findings = WindowsNames.Check(["Drivers/A.inf", "drivers/a.INF", "Tools/NUL.txt", "Scripts/ok.vbs"], "/share").ToList();

        Assert.Equal(["MDTS3002", "MDTS3001"], findings.Select(f => f.Code.Id).Order().Reverse());
        Assert.Contains(findings, f => f.Code.Id == "MDTS3001" && f.File == Path.Combine("/share", "Tools/NUL.txt"));
        Assert.Contains(findings, f => f.Code.Id == "MDTS3002" && f.Message.Contains("'Drivers/A.inf' and 'drivers/a.INF'"));
    }
}
