using MdtShare.Build.BootImage;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootImage;

/// <summary>The check of a boot image's scripts against the share's runs on every build: it extracts only when the
/// image or the share's Scripts\ or Tools\ changed since it last found them the same.</summary>
public sealed class BootImageScriptsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void ACleanImageIsNotExtractedAgainUntilTheShareOrTheImageChanges()
    {
        var tool = new CountingTool(Wimlib.Require());
        Trees.Write(_temp.Combine("share"), ("Scripts/LiteTouch.wsf", "<job> 6.3.8456.1000 </job>"), ("Tools/x64/BDDRUN.exe", "BDDRUN 6.3.8456.1000"));
        Trees.Write(_temp.Combine("pe"), ("Deploy/Scripts/LiteTouch.wsf", "<job> 6.3.8456.1000 </job>"), ("Deploy/Tools/x64/BDDRUN.exe", "BDDRUN 6.3.8456.1000"));
        Directory.CreateDirectory(_temp.Combine("share", "Boot"));
        string wim = _temp.Combine("share", "Boot", "LiteTouchPE_x64.wim");
        Wimlib.Capture(_temp.Combine("pe"), wim);
        var stamps = new StampFile(_temp.Combine("obj", "stamps.txt"));

        Assert.Null(BootImageScripts.Compare(tool, wim, "Boot/LiteTouchPE_x64.wim", _temp.Combine("share"), stamps));
        Assert.Equal(2, tool.Extractions);

        Assert.Null(BootImageScripts.Compare(tool, wim, "Boot/LiteTouchPE_x64.wim", _temp.Combine("share"), stamps));
        Assert.Equal(2, tool.Extractions);

        File.WriteAllText(_temp.Combine("share", "Scripts", "LiteTouch.wsf"), "<job> 6.3.8460.1000 </job>");
        Assert.NotNull(BootImageScripts.Compare(tool, wim, "Boot/LiteTouchPE_x64.wim", _temp.Combine("share"), stamps));
        Assert.NotNull(BootImageScripts.Compare(tool, wim, "Boot/LiteTouchPE_x64.wim", _temp.Combine("share"), stamps));
        Assert.Equal(6, tool.Extractions);
    }

    private sealed class CountingTool(IBootImageTool inner) : IBootImageTool
    {
        public int Extractions { get; private set; }

        public string Name => inner.Name;

        public WimInfo Info(string wim) => inner.Info(wim);

        public byte[]? ReadFile(string wim, int image, string pathInImage) => inner.ReadFile(wim, image, pathInImage);

        public bool ExtractFolder(string wim, int image, string folderInImage, string destination)
        {
            Extractions++;
            return inner.ExtractFolder(wim, image, folderInImage, destination);
        }

        public void ReplaceFile(string wim, int image, string localFile, string pathInImage) => inner.ReplaceFile(wim, image, localFile, pathInImage);
    }
}
