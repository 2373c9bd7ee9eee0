Sample stand-in for ZTIUtility.vbs
