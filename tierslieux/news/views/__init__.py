"""Pages of the news: public pages and feeds (`public`, `feeds`), comments (`comments`), the editors' pages
(`editor`) and the moderation queue (`moderation`)."""
