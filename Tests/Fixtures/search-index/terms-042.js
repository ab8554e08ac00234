DossierSearchIndex.register("terms-042", {"현상":"!$",
"확인":"(%",
"환경":"(#",
"환했":"'#",
"후":"'#"});
