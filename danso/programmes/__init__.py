"""Programme work: aggregate data (data elements, data sets, data values), activities and clubs,
annual plans with targets allocated down the tree."""
