using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    private sealed partial class Run
    {
        private void DeleteOne(DeleteItem delete)
        {
            string shown = delete.RelativePath + (delete.Kind == DeleteKind.Directory ? "/" : string.Empty);
            void Deleted()
            {
                if (delete.Kind != DeleteKind.Directory)
                {
                    _result.AddDeleted();
                }

                Listener.Detail($"Deleted {shown}");
            }

            bool Delete()
            {
                try
                {
                    switch (delete.Kind)
                    {
                        case DeleteKind.Directory:
                            _fs.DeleteDirectory(delete.FullPath);
                            break;
                        case DeleteKind.Link:
                            // A link is removed as a link: what it points to is never touched.
                            _fs.DeleteFile(delete.FullPath);
                            break;
                        default:
                            if (delete.ReadOnly)
                            {
                                _fs.SetReadOnly(delete.FullPath, false);
                            }

                            _fs.DeleteFile(delete.FullPath);
                            break;
                    }
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && IsGone(delete.FullPath))
                {
                    // Already gone: an earlier attempt whose answer a failover lost did it.
                }

                return true;
            }

            // A folder still holding a file that waits to be deleted goes after it.
            if (delete.Kind == DeleteKind.Directory && HoldsBelow(delete.RelativePath))
            {
                HoldBehind(shown, () => Retry(Delete, "deleting " + shown), Deleted);
                return;
            }

            // A retired image whose retention is over: a client still holding it keeps it, and nobody waits for it.
            if (delete.KeepIfHeld)
            {
                if (Attempt(shown, () => Retry(Delete, "deleting " + shown), () => { Deleted(); _retiredDeleted.Add(delete.RelativePath); }) is not null)
                {
                    Listener.Info($"{_name}: {shown} is retired but a client holds it open; a later publish deletes it.");
                }

                return;
            }

            Guarded(shown, () => Retry(Delete, "deleting " + shown), completed: Deleted);
        }

        /// <summary>The entry is not there while the target is: not an outage.</summary>
        private bool IsGone(string path) => _fs.DirectoryExists(_options.DestinationRoot) && _fs.GetEntry(path) is null;
    }
}
