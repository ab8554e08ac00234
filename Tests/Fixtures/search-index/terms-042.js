DossierSearchIndex.register("terms-042", {"행하":"'V]%#WcK",
"현상":"!]Y!",
"확인":"(cX;",
"환경":"(WcK",
"환했":"'V]%",
"후":"'V]%"});
