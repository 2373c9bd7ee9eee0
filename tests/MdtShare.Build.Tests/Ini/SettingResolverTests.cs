using MdtShare.Build.Ini;

namespace MdtShare.Build.Tests.Ini;

public sealed class SettingResolverTests
{
    /// <summary>The engine reads a secret through the environment it is given (the task gives it the process's), and
    /// the change it makes never shows the value.</summary>
    [Fact]
    public void ASecretComesFromTheEnvironment_AndIsMaskedInTheChange()
    {
        var environment = new Dictionary<string, string> { ["MDT_CONNECT_PASSWORD"] = "s3cret!" };

        SettingResolution resolution = SettingResolver.Resolve([@"\\MDTCLUSTER\Distribution$"],
            [new DeclaredSetting("UserPassword", string.Empty, "MDT_CONNECT_PASSWORD", string.Empty)], media: false, "p.proj",
            name => environment.TryGetValue(name, out string? value) ? value : null);

        Assert.Empty(resolution.Diagnostics);
        SettingChange secret = Assert.Single(resolution.For(@"\\MDTCLUSTER\Distribution$"), c => c.Key == "UserPassword");
        Assert.Equal("s3cret!", secret.Value);
        Assert.Equal("********", secret.LoggableValue);
    }

    [Fact]
    public void AMediaFolderGetsNoDeployRoot_AndSaysWhy()
    {
        SettingResolution given = SettingResolver.Resolve([@"\\MDTCLUSTER\Distribution$"], [], media: true, "p.proj", _ => null);
        SettingResolution none = SettingResolver.Resolve([string.Empty], [], media: true, "p.proj", _ => null);

        Assert.Empty(given.For(@"\\MDTCLUSTER\Distribution$"));
        Assert.Equal(["MDTS1027"], given.Diagnostics.Select(d => d.Code.Id));
        Assert.Empty(none.Diagnostics);
        Assert.Single(none.Notes);
    }
}
