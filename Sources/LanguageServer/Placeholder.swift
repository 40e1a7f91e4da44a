// The language server (see LanguageServer.swift).
