using System.ComponentModel;
using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootPaths;

/// <summary>
/// Runs <c>wdsutil /Replace-Image</c> for each WDS server and boot image, with the command line the script holds, one
/// at a time (a WDS server copies the WIM from the share while it runs). Each result is told: a line on success, a
/// coded error with wdsutil's own output on failure or when it outlasts the timeout. Knows nothing of the
/// operating system: the caller finds wdsutil, so a test can give it a stand-in.
/// </summary>
internal sealed class WdsReplacer(string wdsutil, TimeSpan timeout, IBuildListener listener, CancellationToken cancellation)
{
    /// <summary>What to do when wdsutil is missing or does not start (MDTS4014).</summary>
    public const string InstallAdvice = "install the Windows Deployment Services tools (Remote Server Administration Tools) on this agent, or set MdtShareWdsutil.";

    /// <returns>How many images were replaced.</returns>
    /// <exception cref="OperationCanceledException">Cancelled: the running wdsutil was killed.</exception>
    public int Replace(IEnumerable<WdsBootImage> images)
    {
        int replaced = 0;
        foreach (WdsBootImage image in images)
        {
            string what = $"'{image.ImageName}' ({image.Architecture}) on {image.Server}";
            using var timer = new CancellationTokenSource(timeout);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timer.Token);
            byte[] output;
            int exit;
            string errors;
            try
            {
                output = ToolProcess.Run(wdsutil, WdsReplaceScript.CommandLine(image), new Dictionary<string, string>(), out exit, out errors, either.Token);
            }
            catch (Win32Exception e)
            {
                // Not one image's failure: no image can be replaced with a wdsutil that does not start.
                listener.Report(new Diagnostic(DiagnosticCode.WdsutilNotFound,
                    $"wdsutil could not be started ({wdsutil}: {e.Message}): {InstallAdvice}"));
                return replaced;
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                listener.Report(new Diagnostic(DiagnosticCode.WdsReplaceFailed,
                    $"wdsutil did not replace {what} within {timeout.TotalSeconds:0} s and was stopped; the image WDS serves may be unchanged. Run it again, or replace it in the WDS console."));
                continue;
            }

            string said = string.Join(" ", (Encoding.UTF8.GetString(output) + "\n" + errors).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
            if (exit == 0)
            {
                replaced++;
                listener.Detail($"wdsutil replaced {what} with {image.ImageFile}: {said}");
            }
            else
            {
                listener.Report(new Diagnostic(DiagnosticCode.WdsReplaceFailed,
                    $"wdsutil could not replace {what} with {image.ImageFile} (exit code {exit}): {said}"));
            }
        }

        return replaced;
    }
}
