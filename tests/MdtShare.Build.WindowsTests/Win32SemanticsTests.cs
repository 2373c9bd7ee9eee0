using MdtShare.Build.IO;
using MdtShare.Build.Mirror;
using MdtShare.Build.WindowsTests.Support;

using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.WindowsTests;

/// <summary>
/// What the Win32 API answers when a publish meets a file another process holds open, or a name or path Windows
/// treats its own way, and how the publisher classifies the answer. Each answer is shown first, so that a test
/// cannot pass by the host being kinder than Windows.
/// </summary>
[Trait("Semantics", "Windows")]
[Collection(ChildProcessCollection.Name)]
public sealed class Win32SemanticsTests : IDisposable
{
    private const int AccessDenied = unchecked((int)0x80070005);
    private const int SharingViolation = unchecked((int)0x80070020);
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory(Timeout = 120_000)]
    [InlineData("Read")]
    [InlineData("ReadDelete")]
    public async Task RenamingOverAFileAClientHolds_IsAccessDenied_WhichThePublisherTellsIsBusy(string sharing)
    {
        string image = _scratch.WriteFile("install.wim", "old image");
        string temp = _scratch.WriteFile(".~mdtshare.1.tmp", "new image");
        using Child client = Child.Start("--hold", image, sharing);
        await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken);

        var denied = Assert.Throws<UnauthorizedAccessException>(() => FileRename.Replace(temp, image));
        var busy = Assert.Throws<IOException>(() => PhysicalFileSystem.Instance.Replace(temp, image));

        Assert.Equal(AccessDenied, denied.HResult);
        Assert.Equal(SharingViolation, busy.HResult);
        Assert.Equal(FailureKind.Busy, FailureClassifier.Classify(busy, isWindows: true, () => true));
        Assert.Equal("old image", Shares.Text(image));
        Assert.Equal("new image", Shares.Text(temp));
        client.Tell("release");
        await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 120_000)]
    public async Task DeletingOrRenamingAsideAFileAClientHolds_IsASharingViolation_Busy()
    {
        string image = _scratch.WriteFile("install.wim", "old image");
        using Child client = Child.Start("--hold", image, "Read");
        await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken);

        var delete = Assert.Throws<IOException>(() => PhysicalFileSystem.Instance.DeleteFile(image));
        var aside = Assert.Throws<IOException>(() => PhysicalFileSystem.Instance.Rename(image, _scratch["install.old"]));

        Assert.Equal((SharingViolation, SharingViolation), (delete.HResult, aside.HResult));
        Assert.All(new[] { delete, aside }, e => Assert.Equal(FailureKind.Busy, FailureClassifier.Classify(e, isWindows: true, () => true)));
        Assert.Equal("old image", Shares.Text(image));
        client.Tell("release");
        await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void ARenameRefusedWithNobodyHoldingTheFile_StaysAccessDenied_Permanent()
    {
        // Wine enforces no ACLs, so a denial without a holder comes from renaming a file over a folder.
        Directory.CreateDirectory(_scratch["install.wim"]);
        string temp = _scratch.WriteFile(".~mdtshare.1.tmp", "new image");

        var denied = Assert.Throws<UnauthorizedAccessException>(() => PhysicalFileSystem.Instance.Replace(temp, _scratch["install.wim"]));

        Assert.Equal(AccessDenied, denied.HResult);
        Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(denied, isWindows: true, () => true));
    }

    [Fact]
    public void ReplacingKeepsNothingOfTheReplacedFile_ItsAttributesAreTheNewFiles()
    {
        string image = _scratch.WriteFile("install.wim", "old image");
        File.SetAttributes(image, FileAttributes.Hidden | FileAttributes.System);
        string temp = _scratch.WriteFile(".~mdtshare.1.tmp", "new image");

        FileRename.Replace(temp, image);

        Assert.Equal("new image", Shares.Text(image));
        Assert.False(File.Exists(temp));
        Assert.Equal(FileAttributes.Archive, File.GetAttributes(image) & (FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive));
    }

    [Fact]
    public void Win32ErrorsReachTheClassifierAsTheirCodes()
    {
        var missingFile = Assert.Throws<FileNotFoundException>(() => PhysicalFileSystem.Instance.Replace(_scratch["none.tmp"], _scratch["install.wim"]));
        var missingFolder = Assert.Throws<DirectoryNotFoundException>(() => PhysicalFileSystem.Instance.OpenRead(_scratch["no-folder/file"]));
        var badName = Assert.Throws<IOException>(() => PhysicalFileSystem.Instance.Create(_scratch["a*b.txt"]));
        var device = Assert.Throws<IOException>(() => PhysicalFileSystem.Instance.Create(_scratch["con.txt"]));

        Assert.Equal(
            [unchecked((int)0x80070002), unchecked((int)0x80070003), unchecked((int)0x8007007B), unchecked((int)0x80070006)],
            new Exception[] { missingFile, missingFolder, badName, device }.Select(e => e.HResult));
        Assert.All(new Exception[] { missingFile, missingFolder, badName, device },
            e => Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(e, isWindows: true, () => true)));
        Assert.Equal(FailureKind.Outage, FailureClassifier.Classify(missingFolder, isWindows: true, () => false));
    }
}
