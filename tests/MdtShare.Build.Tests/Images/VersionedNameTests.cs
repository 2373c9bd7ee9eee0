using MdtShare.Build.Images;

namespace MdtShare.Build.Tests.Images;

/// <summary>The naming rules, one name at a time.</summary>
public sealed class VersionedNameTests
{
    private const string Hash = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

    [Theory]
    [InlineData("install.wim", "install.3f2a1b4c5d6e.wim")]
    [InlineData("install.esd", "install.3f2a1b4c5d6e.esd")]
    [InlineData("Win11 Ref Capture.wim", "Win11 Ref Capture.3f2a1b4c5d6e.wim")]
    [InlineData("W7ULT-X86-REF_4-19-2015-5-39-04-PM.wim", "W7ULT-X86-REF_4-19-2015-5-39-04-PM.3f2a1b4c5d6e.wim")]
    [InlineData("install.0123456789ab.wim", "install.3f2a1b4c5d6e.wim")]
    [InlineData("install.3f2a1b4c5d6e.wim", "install.3f2a1b4c5d6e.wim")]
    [InlineData("install.0123456789AB.wim", "install.0123456789AB.3f2a1b4c5d6e.wim")]
    [InlineData("install.0123456789a.wim", "install.0123456789a.3f2a1b4c5d6e.wim")]
    [InlineData("install-0123456789ab.wim", "install-0123456789ab.3f2a1b4c5d6e.wim")]
    public void AFileCarriesItsHashBeforeItsExtension_ReplacingAHashItAlreadyCarries(string name, string versioned) =>
        Assert.Equal(versioned, VersionedName.ForFile(name, Hash));

    [Theory]
    [InlineData("install.swm", "3f2a1b4c5d6e.install.swm")]
    [InlineData("install2.swm", "3f2a1b4c5d6e.install2.swm")]
    [InlineData("INSTALL3.SWM", "3f2a1b4c5d6e.INSTALL3.SWM")]
    [InlineData("0123456789ab.install2.swm", "3f2a1b4c5d6e.install2.swm")]
    [InlineData("3f2a1b4c5d6e.install2.swm", "3f2a1b4c5d6e.install2.swm")]
    [InlineData("0123456789abinstall2.swm", "3f2a1b4c5d6e.0123456789abinstall2.swm")]
    public void ASplitPartCarriesItsSetsHashFirst_ReplacingAHashItAlreadyCarries(string name, string versioned) =>
        Assert.Equal(versioned, VersionedName.ForSplitPart(name, Hash));
}
