using System.Text;
using MdtShare.Build.Ini;

namespace MdtShare.Build.Tests.Ini;

public class BootstrapPatcherFuzzTests
{
    private static readonly string[] Shapes =
    [
        "[Settings]\r\nPriority=DefaultGateway, Default\r\n[DefaultGateway]\r\n10.1.1.1=NewYork\r\n[NewYork]\r\nDeployRoot=\\\\MDT01\\D$\r\n[Default]\r\nUserPassword=x\r\n",
        "; c\n[settings]\npriority=default\n[default]\ndeployroot = \\\\%WDSServer%\\D$\nDeployRoot=\\\\b\\c\n[Default]\nX=1",
        "\uFEFF[Settings]\rPriority=Model, Default\r[Default]\r",
    ];

    /// <summary>Random bytes and mutations of real shapes: never an unhandled exception, never a success that is not idempotent.</summary>
    [Fact]
    public void RandomAndMutatedInputsNeverThrow_AndSuccessfulPatchesAreIdempotent()
    {
        var random = new Random(4242);
        SettingChange[] changes =
        [
            new(MdtKeys.DeployRoot, @"\\MDTCLUSTER\Distribution$", []),
            new("UserDomain", "CONTOSO", ["Default", "NewYork"]),
        ];
        int succeeded = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] input = i % 3 == 0 ? RandomBytes(random) : Mutate(random, Encoding.UTF8.GetBytes(Shapes[random.Next(Shapes.Length)]));
            PatchResult result = BootstrapPatcher.Patch(input, "Bootstrap.ini", changes);
            Assert.All(result.Diagnostics, d => Assert.StartsWith("MDTS", d.Code.Id));
            if (!result.Succeeded)
            {
                Assert.Empty(result.Output);
                continue;
            }

            succeeded++;
            PatchResult again = BootstrapPatcher.Patch(result.Output, "Bootstrap.ini", changes);
            Assert.True(again.Succeeded);
            Assert.Equal(result.Output, again.Output);
            Assert.Empty(again.Changes);
        }

        Assert.InRange(succeeded, 300, 2999);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] shape)
    {
        var bytes = shape.ToList();
        for (int m = random.Next(0, 6); m > 0 && bytes.Count > 0; m--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes.RemoveAt(at); break;
                case 1: bytes.Insert(at, (byte)"[]=;\r\n%#, "[random.Next(10)]); break;
                case 2: bytes[at] = (byte)random.Next(1, 256); break;
                default: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(20, bytes.Count - at))); break;
            }
        }

        return [.. bytes];
    }
}
